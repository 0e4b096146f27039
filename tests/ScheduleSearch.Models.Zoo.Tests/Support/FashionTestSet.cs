using ScheduleSearch.Models.Datasets;

namespace ScheduleSearch.Models.Zoo.Tests.Support;

/// <summary>The first 1000 Fashion-MNIST test images scaled to [-1, 1] (the zoo's data range) and their labels.</summary>
public static class FashionTestSet
{
    /// <summary>Values per image (1 x 28 x 28).</summary>
    public const int ImageSize = 784;

    private static readonly Lazy<(double[] Images, int[] Labels)> Loaded = new(() =>
    {
        var images = DatasetReader.Read(ZooModels.Data("fashion-test-1000-images-idx3-ubyte.gz"), scale: 2.0 / 255.0, shift: -1.0);
        var labels = IdxReader.Read(ZooModels.Data("fashion-test-1000-labels-idx1-ubyte.gz"));
        return (images.Data, labels.Data.Select(v => (int)v).ToArray());
    });

    /// <summary>Row-major images, 1000 x 784, in [-1, 1].</summary>
    public static double[] Images => Loaded.Value.Images;

    /// <summary>The class of each image (0..9).</summary>
    public static int[] Labels => Loaded.Value.Labels;

    /// <summary>Number of images.</summary>
    public static int Count => Labels.Length;
}
