"""ComfyUI custom nodes: run a searched schedule exactly with SamplerCustom.

Install: ``pip install -e python`` (into ComfyUI's Python), then link this folder into ``ComfyUI/custom_nodes``
(``ln -s "$PWD/python/schedule_search/comfyui" ComfyUI/custom_nodes/schedule_search``). In a workflow:
``Schedule Search Sigmas`` (schedule file + model) -> SamplerCustom's ``sigmas``, and ``Schedule Search Sampler``
(the same file) -> its ``sampler``. The sampler runs every step of the file (per-step solvers, orders, correctors,
the analytical first step) with one model call per evaluation; the sigmas only tell SamplerCustom where it starts
and ends, so do not split them with SplitSigmas.
"""

from __future__ import annotations

import torch

from schedule_search.k_diffusion import noise_schedule_of, sample_schedule
from schedule_search.k_diffusion import sigmas as schedule_sigmas
from schedule_search.schedule import Schedule

__all__ = ["NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS", "ScheduleSearchSampler", "ScheduleSearchSigmas", "sampler_function"]


def sampler_function(model, x, sigmas, extra_args=None, callback=None, disable=None, schedule_file: str = ""):
    """ComfyUI's KSAMPLER calls this as a k-diffusion sampler: ``x`` is the noise already scaled to the first sigma."""
    schedule = Schedule.load(schedule_file)
    ns = noise_schedule_of(model, schedule)
    expected = schedule_sigmas(schedule, ns)
    given = torch.as_tensor(sigmas, dtype=torch.float64).cpu()
    if given.numel() != expected.numel() or not torch.allclose(given, expected, rtol=1e-4, atol=1e-6):
        raise ValueError(f"{schedule_file}: SamplerCustom's sigmas are not this schedule's ({given.numel()} values from "
                         f"{float(given[0]):.6g}; expected {expected.numel()} from {float(expected[0]):.6g}): connect the "
                         "Schedule Search Sigmas node for the same file, unsplit")
    return sample_schedule(model, x, schedule, extra_args=extra_args, callback=callback, disable=disable, noise=ns)


class ScheduleSearchSampler:
    """SAMPLER: runs a schedule-search/schedule@1 file exactly."""

    CATEGORY = "sampling/custom_sampling/samplers"
    RETURN_TYPES = ("SAMPLER",)
    FUNCTION = "get_sampler"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"schedule_file": ("STRING", {"default": "best.schedule.json"})}}

    def get_sampler(self, schedule_file: str):
        import comfy.samplers  # ComfyUI's own module, present when the node runs inside ComfyUI

        Schedule.load(schedule_file)  # refuse a bad file when the graph is built, with the tool's message
        return (comfy.samplers.KSAMPLER(sampler_function, extra_options={"schedule_file": schedule_file}),)


class ScheduleSearchSigmas:
    """SIGMAS: the schedule's times as the model's sigmas (its own noise table when a model is connected)."""

    CATEGORY = "sampling/custom_sampling/schedulers"
    RETURN_TYPES = ("SIGMAS",)
    FUNCTION = "get_sigmas"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"schedule_file": ("STRING", {"default": "best.schedule.json"})}, "optional": {"model": ("MODEL",)}}

    def get_sigmas(self, schedule_file: str, model=None):
        schedule = Schedule.load(schedule_file)
        sampling = model.get_model_object("model_sampling") if model is not None and hasattr(model, "get_model_object") else model
        ns = noise_schedule_of(sampling, schedule) if sampling is not None else schedule.noise_schedule()
        return (schedule_sigmas(schedule, ns).float(),)


NODE_CLASS_MAPPINGS = {"ScheduleSearchSampler": ScheduleSearchSampler, "ScheduleSearchSigmas": ScheduleSearchSigmas}
NODE_DISPLAY_NAME_MAPPINGS = {"ScheduleSearchSampler": "Schedule Search Sampler", "ScheduleSearchSigmas": "Schedule Search Sigmas"}
