namespace ScheduleSearch.Storage.Tests;

public sealed class EvaluationKeyTests
{
    [Fact]
    public void The_key_is_lowercase_hex_sha256_and_depends_on_every_part()
    {
        var key = EvaluationKey.Compute("m", "metric", "noise", "schedule");
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Equal(key, EvaluationKey.Compute("m", "metric", "noise", "schedule"));
        Assert.NotEqual(key, EvaluationKey.Compute("m2", "metric", "noise", "schedule"));
        Assert.NotEqual(key, EvaluationKey.Compute("m", "metric2", "noise", "schedule"));
        Assert.NotEqual(key, EvaluationKey.Compute("m", "metric", "noise2", "schedule"));
        Assert.NotEqual(key, EvaluationKey.Compute("m", "metric", "noise", "schedule2"));
    }

    [Fact]
    public void Moving_text_from_one_part_to_the_next_changes_the_key()
    {
        Assert.NotEqual(EvaluationKey.Compute("ab", "c", "n", "s"), EvaluationKey.Compute("a", "bc", "n", "s"));
    }
}
