namespace ScheduleSearch.Core.Json;

/// <summary>What a field's value had to be when <see cref="StrictJsonDialect.WrongType"/> is raised.</summary>
public enum JsonExpectation
{
    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A number that fits a 32-bit integer.</summary>
    Integer,

    /// <summary>A finite number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A JSON array.</summary>
    Array,

    /// <summary>A JSON array of integers.</summary>
    IntegerArray,
}
