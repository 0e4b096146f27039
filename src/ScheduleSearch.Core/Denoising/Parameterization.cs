namespace ScheduleSearch.Core.Denoising;

/// <summary>What a network outputs (a model card's output.parameterization).</summary>
public enum Parameterization
{
    /// <summary>The noise eps (DDPM).</summary>
    Epsilon,

    /// <summary>The clean sample x0.</summary>
    X0,

    /// <summary>v = alpha eps - sigma x0 (Salimans and Ho 2022).</summary>
    V,

    /// <summary>Flow velocity u = eps - x0 (rectified flow).</summary>
    Flow,

    /// <summary>An EDM/VE denoiser: fed x/alpha and sigma/alpha, returns x0.</summary>
    VeDenoiser,
}
