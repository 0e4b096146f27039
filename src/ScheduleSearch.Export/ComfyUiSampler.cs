namespace ScheduleSearch.Export;

/// <summary>
/// The ComfyUI sampler that stands in for a family: its name, the node that gives it (KSamplerSelect unless a
/// sampler needs settings KSamplerSelect cannot give, such as eta 0) with that node's inputs, and a note when it
/// only approximates the family.
/// </summary>
public sealed record ComfyUiSampler(string Name, string Node, IReadOnlyList<(string Input, object Value)> Inputs, string? Note)
{
    /// <summary>The sampler for <paramref name="family"/>.</summary>
    public static ComfyUiSampler For(SolverFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return family.Name switch
        {
            "ddim" or "euler" => Select("euler"),
            "heun" => Select("heun"),
            "dpm-solver++" or "dpm-solver" when family.Order <= 2 => Select("dpmpp_2m", family.Name == "dpm-solver" ? "ComfyUI's dpmpp_2m uses data prediction where the schedule uses noise prediction" : null),
            "dpm-solver++" or "dpm-solver" => new("dpmpp_3m_sde", "SamplerDPMPP_3M_SDE", [("eta", 0.0), ("s_noise", 1.0), ("noise_device", "cpu")],
                "dpmpp_3m_sde comes from the SamplerDPMPP_3M_SDE node with eta 0 (KSamplerSelect's runs it with eta 1, stochastically); with eta 0 it is deterministic but its warm-up steps follow another formula than the tool's DPM-Solver++ 3M, so it approximates it"),
            "unipc-bh1" => Select("uni_pc"),
            "unipc-bh2" => Select("uni_pc_bh2"),
            "dpm-solver++-singlestep" => new("dpmpp_2s_ancestral", "SamplerDPMPP_2S_Ancestral", [("eta", 0.0), ("s_noise", 1.0)],
                "dpmpp_2s_ancestral with eta 0 (the SamplerDPMPP_2S_Ancestral node) is DPM-Solver++(2S), the schedule's data-prediction singlestep; its third-order steps run at second order"),
            "dpm-solver-singlestep" => Select("dpm_2", "ComfyUI's dpm_2 (DPM-Solver-2 in log sigma) approximates the schedule's noise-prediction singlestep steps"),
            "deis" => Select("deis", "ComfyUI's deis fits its polynomial in another variable than the tool's DEIS (tAB in t), so it approximates, not reproduces, these steps"),
            "ipndm" => Select("ipndm"),
            _ => Select("lms", "linear multistep in sigma stands in for this method"),
        };
    }

    /// <summary>A sampler picked by name in KSamplerSelect.</summary>
    private static ComfyUiSampler Select(string name, string? note = null) => new(name, "KSamplerSelect", [("sampler_name", name)], note);
}
