using ScheduleSearch.Evaluation.NoiseSets;

namespace ScheduleSearch.Evaluation.Tests.Noise;

public sealed class NoiseSetTests
{
    [Fact]
    public void Sample_i_is_the_same_whatever_the_set_size_or_the_way_it_is_drawn()
    {
        var small = NoiseSet.Create(new NoiseSpec(7, 5), 9);
        var large = NoiseSet.Create(new NoiseSpec(7, 40), 9);
        Assert.True(small.Values.SequenceEqual(large.Prefix(5)));

        var row = new double[9];
        CounterNormal.Fill(7, 3, row);
        Assert.True(row.AsSpan().SequenceEqual(large.Rows(3, 1)));
        for (var e = 0; e < 9; e++)
        {
            Assert.Equal(row[e], CounterNormal.Value(7, 3, e));
        }
    }

    [Fact]
    public void Different_seeds_give_different_noise()
    {
        var a = NoiseSet.Create(new NoiseSpec(0, 4), 8);
        var b = NoiseSet.Create(new NoiseSpec(1, 4), 8);
        Assert.False(a.Values.SequenceEqual(b.Values));
    }

    [Fact]
    public void The_noise_is_standard_normal_in_its_first_moments()
    {
        var set = NoiseSet.Create(new NoiseSpec(11, 4000), 16);
        var values = set.Values.ToArray();
        var mean = values.Average();
        var variance = values.Select(v => (v - mean) * (v - mean)).Average();
        var fourth = values.Select(v => Math.Pow(v - mean, 4)).Average();
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
        Assert.InRange(fourth, 2.9, 3.1);
        Assert.All(values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void The_noise_spec_is_canonical_json_naming_the_generator()
    {
        Assert.Equal(
            "{\"generator\":\"splitmix64-box-muller@1\",\"samples\":1024,\"seed\":0}",
            new NoiseSpec(0, 1024).ToCanonicalJson());
    }
}
