using System.CommandLine;
using System.Globalization;
using ScheduleSearch.Search.Distributed;

namespace ScheduleSearch.Cli.Infrastructure;

/// <summary>
/// <c>--grace SECONDS</c> of <c>run --storage postgresql://...</c> and <c>worker</c>: how long a claim may go
/// unrenewed before its worker counts as dead and another process re-does the candidate (docs/scale-out.md).
/// </summary>
public static class GraceOption
{
    /// <summary>The default grace period in seconds (two minutes).</summary>
    public const double DefaultSeconds = 120;

    /// <summary>The longest renewal interval; shorter grace periods renew four times per period.</summary>
    public static readonly TimeSpan MaxRenewInterval = TimeSpan.FromSeconds(20);

    /// <summary>Builds the option.</summary>
    public static Option<double> Create()
    {
        var option = new Option<double>("--grace")
        {
            Description = "Seconds a claim may go unrenewed before its worker counts as dead and another process re-does it (every process of a search should use the same value)",
            DefaultValueFactory = _ => DefaultSeconds,
            HelpName = "SECONDS",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!double.IsFinite(value) || value < 1)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"--grace: must be at least 1 second, not {value}"));
            }
        });
        return option;
    }

    /// <summary>The claim protocol's timing for a grace period of <paramref name="seconds"/> (renewals four times per period, at most every 20 s).</summary>
    public static DistributedOptions ToOptions(double seconds, int claimBatch = 1)
    {
        var grace = TimeSpan.FromSeconds(seconds);
        var renew = grace / 4 < MaxRenewInterval ? grace / 4 : MaxRenewInterval;
        return new DistributedOptions { Grace = grace, RenewInterval = renew, ClaimBatch = claimBatch };
    }
}
