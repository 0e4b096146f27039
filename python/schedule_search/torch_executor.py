"""The tool's executor on torch tensors: any device, float16/32/64 state, coefficients in float64 as in the tool.

    import torch
    from schedule_search import Schedule
    from schedule_search.torch_executor import sample

    schedule = Schedule.load("best.schedule.json")
    x_T = torch.randn(16, 4, 64, 64, device="cuda")          # VP / flow: the noise itself (EDM: sigma(t_T) * noise)
    x_0 = sample(schedule, lambda x, t: unet_eps(x, t), x_T, noise=my_noise_schedule, prediction="eps")

``denoiser(x, t)`` gets the state and the float time ``t`` in the schedule's convention and returns the
``prediction`` (``x0``, ``eps``, ``v`` or ``flow``) as a tensor of the state's shape.
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import torch

from .executor import Request, _Executor, drive
from .noise import Edm, NoiseSchedule
from .reference import to_pair
from .schedule import Schedule

__all__ = ["sample", "initial_state"]


def initial_state(schedule, noise: torch.Tensor, noise_sched: NoiseSchedule | None = None) -> torch.Tensor:
    """The start state for standard-normal noise: the noise for VP and flow models, sigma(t_T) * noise for EDM/VE."""
    schedule = Schedule.of(schedule)
    ns = noise_sched or schedule.noise_schedule()
    return noise * ns.sigma(schedule.timesteps[0]) if isinstance(ns, Edm) else noise.clone()


@torch.no_grad()
def sample(schedule, denoiser: Callable[[torch.Tensor, float], torch.Tensor], x_T: torch.Tensor, noise: NoiseSchedule | None = None,
           prediction: str = "x0", statistics: Mapping[str, np.ndarray] | None = None,
           models: Mapping[str, Callable[[torch.Tensor, float], torch.Tensor]] | None = None) -> torch.Tensor:
    """Runs ``schedule`` from ``x_T`` at ``timesteps[0]``; the state stays in ``x_T``'s dtype and device."""
    schedule = Schedule.of(schedule)
    if statistics is not None:
        schedule.statistics = {k: np.asarray(v, dtype=np.float64) for k, v in statistics.items()}
    ns = noise or schedule.noise_schedule()
    functions = {None: denoiser, **(models or {})}

    def call(request: Request):
        out = functions[request.model](request.x, request.t).to(request.x.dtype)
        return to_pair(out, request.x, request.t, ns, prediction)

    return drive(_Executor(ns, schedule).run(x_T.clone()), call)
