namespace ScheduleSearch.Models.Zoo.Tests.Support;

/// <summary>The committed Fashion-MNIST model zoo (models/fashion-*), copied next to the test assembly by the csproj.</summary>
public static class ZooModels
{
    /// <summary>The three diffusion networks, by folder name.</summary>
    public static readonly string[] Diffusion = ["fashion-unet-eps", "fashion-unet-v", "fashion-flow"];

    /// <summary>models/NAME/model.json.</summary>
    public static string Card(string name) => Path.Combine(AppContext.BaseDirectory, "models", name, "model.json");

    /// <summary>A file of models/fashion-classifier.</summary>
    public static string Classifier(string file) => Path.Combine(AppContext.BaseDirectory, "models", "fashion-classifier", file);

    /// <summary>A file of the test data folder (the first 1000 Fashion-MNIST test images and labels, IDX gz).</summary>
    public static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "Data", file);
}
