using ScheduleSearch.Core.Noise;

namespace ScheduleSearch.Core.Denoising;

/// <summary>
/// A network before guidance: rows in, its raw output (in <see cref="Parameterization"/>) out, each row under its own
/// condition. A condition c &gt;= 0 is the c-th condition (a class label, a prompt row); <c>~c</c> is its unconditional
/// counterpart (the null class, or the negative prompt that goes with row c). An unconditional network ignores
/// conditions and is given none. <see cref="ConditionedDenoiser"/> and <see cref="ClassifierFreeGuidance"/> turn it
/// into an <see cref="IDenoiser"/> (DPM-Solver's <c>model_wrapper</c>: network, guidance, parameterisation).
/// </summary>
/// <remarks>Evaluate may be called from several threads at once.</remarks>
public interface IConditionedNetwork
{
    /// <summary>The forward process the network was trained with.</summary>
    NoiseSchedule Schedule { get; }

    /// <summary>Number of values in one sample.</summary>
    int SampleSize { get; }

    /// <summary>What the output predicts.</summary>
    Parameterization Parameterization { get; }

    /// <summary>True when rows need conditions (a class-conditional or text-conditioned network).</summary>
    bool IsConditioned { get; }

    /// <summary>The most rows one run of the network takes; a caller that wants rows in one run asks for at most this many.</summary>
    int MaxRowsPerRun { get; }

    /// <summary>True when <see cref="Evaluate"/> takes one time per row in one run.</summary>
    bool AcceptsRowTimes { get; }

    /// <summary>
    /// Writes the raw output of <paramref name="rows"/> rows into <paramref name="output"/> (rows x SampleSize). Row r
    /// is state r mod (x.Length / SampleSize) of <paramref name="x"/> (so the two halves of classifier-free guidance
    /// share one copy of the states, as <c>torch.cat([x] * 2)</c> does), at time <paramref name="t"/>[r] (or t[0] when
    /// t holds one time), under condition <paramref name="conditions"/>[r] (empty for an unconditional network).
    /// </summary>
    void Evaluate(ReadOnlySpan<double> x, int rows, ReadOnlySpan<double> t, ReadOnlySpan<int> conditions, Span<double> output);
}
