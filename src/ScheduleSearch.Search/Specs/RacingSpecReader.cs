using System.Collections.Immutable;
using System.Text.Json;
using ScheduleSearch.Core.Json;
using ScheduleSearch.Evaluation;

namespace ScheduleSearch.Search.Specs;

/// <summary>Reads a spec's "racing" field: false, true (the defaults) or a block (<see cref="RacingSpec"/>).</summary>
internal static class RacingSpecReader
{
    /// <summary>The fields a "racing" block may have.</summary>
    public static readonly string[] Fields = ["sets", "samples", "seed", "validation", "confidence"];

    /// <summary>Racing sets a race uses at most when the spec does not say.</summary>
    public const int DefaultSets = 2;

    /// <summary>
    /// Reads root's "racing" for <paramref name="metric"/>: null when absent or false. Seeds default to the smallest
    /// integers above metric.seed that are not the held-out seed, racing sets first, then the validation set; samples
    /// default to metric.samples (racing) and metric.heldout.samples (validation).
    /// </summary>
    public static RacingSpec? Read(StrictJsonObject root, MetricSpec metric)
    {
        if (!root.Has("racing"))
        {
            return null;
        }

        var value = root.Required("racing");
        if (value.ValueKind is JsonValueKind.False)
        {
            return null;
        }

        var f = value.ValueKind is JsonValueKind.True ? null : root.AsObject(value, root.FieldPath("racing"), Fields);
        var sets = f?.Has("sets") == true ? f.Int("sets", 1) : DefaultSets;
        if (sets > 8)
        {
            throw root.Error(root.FieldPath("racing.sets"), $"is {sets}; at most 8 racing sets");
        }

        var taken = new HashSet<int> { metric.Seed, metric.HeldOutSeed };
        int[] seeds;
        if (f?.Has("seed") == true)
        {
            var first = f.Int("seed", 0);
            seeds = [.. Enumerable.Range(0, sets).Select(k => first + k)];
            if (seeds.FirstOrDefault(taken.Contains, -1) is var clash and >= 0)
            {
                throw f.Error(f.FieldPath("seed"), $"gives racing set seeds {first}..{first + sets - 1}, which include seed {clash} of the scoring or held-out set; racing needs other noise");
            }
        }
        else
        {
            seeds = [.. Free(metric.Seed, taken).Take(sets)];
        }

        foreach (var s in seeds)
        {
            taken.Add(s);
        }

        var validationSeed = Free(metric.Seed, taken).First();
        var validationSamples = metric.HeldOutSamples;
        if (f?.Has("validation") == true)
        {
            var v = f.Object("validation", "seed", "samples");
            if (v.Has("seed"))
            {
                validationSeed = v.Int("seed", 0);
                if (taken.Contains(validationSeed))
                {
                    throw v.Error(v.FieldPath("seed"), $"is {validationSeed}, the seed of the scoring, held-out or a racing set; the validation set must be other noise");
                }
            }

            if (v.Has("samples"))
            {
                validationSamples = v.Int("samples", 1);
            }
        }

        return new RacingSpec
        {
            Seeds = [.. seeds],
            Samples = f?.Has("samples") == true ? f.Int("samples", 1) : metric.Samples,
            ValidationSeed = validationSeed,
            ValidationSamples = validationSamples,
            Confidence = f?.Has("confidence") == true ? f.Double("confidence", 0.0) : 2.0,
        };
    }

    private static IEnumerable<int> Free(int from, HashSet<int> taken)
    {
        for (var s = from + 1; ; s++)
        {
            if (!taken.Contains(s))
            {
                yield return s;
            }
        }
    }
}
