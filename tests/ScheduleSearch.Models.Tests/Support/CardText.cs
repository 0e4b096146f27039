namespace ScheduleSearch.Models.Tests.Support;

/// <summary>Card JSON for tests, with one field replaceable.</summary>
public static class CardText
{
    /// <summary>A valid card for an 8-dimensional GMM model; <paramref name="edit"/> may change the text.</summary>
    public static string Gmm8(Func<string, string>? edit = null)
    {
        const string json = """
            {
              "format": "schedule-search/model@1",
              "name": "test-gmm",
              "onnx": "model.onnx",
              "schedule": { "kind": "vp-discrete", "betas": "linear", "beta_start": 0.0001, "beta_end": 0.02, "train_steps": 1000 },
              "inputs": { "sample": "x", "time": "sigma", "time_convention": "ve-sigma", "class": null },
              "output": { "name": "x0", "parameterization": "ve-denoiser" },
              "sample_shape": [8],
              "guidance": null,
              "statistics": null
            }
            """;
        return edit is null ? json : edit(json);
    }
}
