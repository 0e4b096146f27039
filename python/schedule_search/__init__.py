"""schedule_search: run ScheduleSearch's searched schedules exactly where you sample.

The core needs only NumPy: :class:`Schedule` (``Schedule.load`` with the tool's validation messages) and
:func:`sample` (the reference executor). Adapters import their framework only when used:

- ``schedule_search.torch_executor.sample``: the same arithmetic on torch tensors (any device, float16/32/64 state);
- ``schedule_search.diffusers.ScheduleSearchScheduler``: a diffusers scheduler for any pipeline loop;
- ``schedule_search.k_diffusion.sample_schedule``: a k-diffusion-style sampler over a denoiser D(x, sigma);
- ``schedule_search.comfyui``: ComfyUI custom nodes (a SAMPLER and a SIGMAS node for SamplerCustom).
"""

from .executor import Request, model_call_times
from .noise import Edm, Flow, NoiseSchedule, VpDiscrete, VpLinear, noise_schedule
from .reference import gmm_denoiser, initial_state, sample, to_pair
from .schedule import FORMAT, Options, Schedule, ScheduleError, Step

__all__ = [
    "FORMAT", "Schedule", "ScheduleError", "Step", "Options", "Request", "model_call_times",
    "NoiseSchedule", "VpDiscrete", "VpLinear", "Edm", "Flow", "noise_schedule",
    "sample", "initial_state", "to_pair", "gmm_denoiser",
]
__version__ = "0.1.0"
