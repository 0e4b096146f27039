using ScheduleSearch.Models.Gmm;
using ScheduleSearch.Models.Tests.Support;

namespace ScheduleSearch.Models.Tests.Gmm;

public class GmmParametersJsonTests
{
    [Fact]
    public void Written_parameters_read_back_bit_for_bit()
    {
        var mixture = TestMixtures.Random(3, 4, 11);

        var again = GmmParametersJson.Parse(GmmParametersJson.ToJson(mixture));

        Assert.Equal(mixture.Weights, again.Weights);
        Assert.Equal(mixture.Means.SelectMany(m => m), again.Means.SelectMany(m => m));
        Assert.Equal(mixture.Variances.SelectMany(v => v), again.Variances.SelectMany(v => v));
    }

    [Fact]
    public void An_unknown_field_is_refused_naming_it()
    {
        var e = Assert.Throws<InvalidDataException>(() => GmmParametersJson.Parse("""{ "weights": [1], "means": [[0]], "variances": [[1]], "covariances": [] }"""));

        Assert.Contains("'covariances'", e.Message);
    }

    [Fact]
    public void A_missing_field_is_refused_naming_it()
    {
        var e = Assert.Throws<InvalidDataException>(() => GmmParametersJson.Parse("""{ "weights": [1], "means": [[0]] }"""));

        Assert.Contains("'variances'", e.Message);
    }

    [Fact]
    public void A_non_positive_variance_is_refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => GmmParametersJson.Parse("""{ "weights": [1], "means": [[0, 0]], "variances": [[1, 0]] }"""));

        Assert.Contains("variances[0][1]", e.Message);
    }
}
