using ScheduleSearch.Models.Arrays;

namespace ScheduleSearch.Models.Datasets;

/// <summary>Loads a dataset as rows for GMM fitting: NumPy .npy files, or IDX files (optionally .gz) otherwise.</summary>
public static class DatasetReader
{
    /// <summary>Reads <paramref name="path"/> (rows along the first axis) and maps every value v to scale * v + shift.</summary>
    public static NpyArray Read(string path, double scale = 1.0, double shift = 0.0)
    {
        ArgumentNullException.ThrowIfNull(path);
        var array = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? Npy.Read(path) : IdxReader.Read(path);
        if (scale != 1.0 || shift != 0.0)
        {
            var data = array.Data;
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (scale * data[i]) + shift;
            }
        }

        return array;
    }
}
