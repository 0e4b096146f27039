namespace ScheduleSearch.Cli.Tests.Support;

/// <summary>A fact that is reported as skipped, with the reason, when no python3 with numpy is found.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PythonFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when Python with numpy is missing.</summary>
    public PythonFactAttribute()
    {
        if (PythonLocator.Python is null)
        {
            Skip = PythonLocator.SkipReason;
        }
    }
}
