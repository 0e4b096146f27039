"""A k-diffusion-style sampler that runs a searched schedule exactly over a denoiser ``D(x, sigma)`` in the VE view.

    from schedule_search.k_diffusion import sample_schedule

    x = noise * sigmas_start                       # the VE-view state at the schedule's first time, see below
    x_0 = sample_schedule(model, x, "best.schedule.json", extra_args={"cond": c})

``model(x, sigma, **extra_args)`` is k-diffusion's denoiser (k_diffusion.external wrappers, ComfyUI's model): it gets
the VE-view state ``x / alpha(t)`` and ``sigma = sigma(t) / alpha(t)`` per row, and returns the denoised data. The
start ``x`` is the VE view of the tool's start: for a VP model the tool starts at ``x_T = noise``, so pass
``noise / alpha(t_T) = noise * sqrt(1 + sigma_T**2)`` (``start_state`` does it), not k-diffusion's usual
``noise * sigmas[0]`` (which differs by 8e-4 relative at t_T = 1 with linear betas). The result is in the VE view at
the schedule's last time (for VP models within alpha(t_min) = 0.99995 of the data scale; ``x * alpha(t_last)`` is the
tool's final state).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import torch

from .executor import Request, _Executor, drive
from .noise import NoiseSchedule, VpDiscrete
from .reference import to_pair
from .schedule import Schedule

__all__ = ["sample_schedule", "start_state", "sigmas", "noise_schedule_of"]


def noise_schedule_of(model, schedule: Schedule) -> NoiseSchedule:
    """The model's noise schedule: from its sigma table when it has one (k-diffusion's DiscreteSchedule, ComfyUI's
    model_sampling) and the schedule is in vp-discrete time; otherwise the schedule kind's defaults."""
    if schedule.time == "vp-discrete":
        owner, seen = model, 0
        while owner is not None and seen < 4:
            for holder in (owner, getattr(owner, "model_sampling", None)):
                table = getattr(holder, "sigmas", None)
                if isinstance(table, torch.Tensor) and table.ndim == 1 and table.numel() > 1:
                    s = table.detach().double().cpu()
                    return VpDiscrete.from_alphas_cumprod((1.0 / (1.0 + s * s)).tolist())
            owner, seen = getattr(owner, "inner_model", None), seen + 1
    return schedule.noise_schedule()


def sigmas(schedule, noise: NoiseSchedule | None = None, device=None) -> torch.Tensor:
    """The schedule's times as VE sigmas (float64), for display or for nodes that pass SIGMAS around."""
    schedule = Schedule.of(schedule)
    ns = noise or schedule.noise_schedule()
    return torch.tensor([ns.ve_sigma(t) if t > 0 else 0.0 for t in schedule.timesteps], dtype=torch.float64, device=device)


def start_state(schedule, noise: torch.Tensor, noise_sched: NoiseSchedule | None = None) -> torch.Tensor:
    """The VE-view start for standard-normal ``noise``: the tool's start state divided by alpha(t_T)."""
    schedule = Schedule.of(schedule)
    ns = noise_sched or schedule.noise_schedule()
    t0 = schedule.timesteps[0]
    start = noise * ns.sigma(t0) if ns.kind == "edm" else noise
    return start / ns.alpha(t0)


@torch.no_grad()
def sample_schedule(model: Callable[..., torch.Tensor], x: torch.Tensor, schedule, extra_args: Mapping[str, Any] | None = None,
                    callback: Callable[[dict], None] | None = None, disable: bool | None = None,
                    noise: NoiseSchedule | None = None) -> torch.Tensor:
    """Runs ``schedule`` (a Schedule or a file path) exactly; ``x`` is the VE-view state at its first time.

    ``callback`` gets k-diffusion's dict (``x``, ``i``, ``sigma``, ``sigma_hat``, ``denoised``) after every model call;
    ``disable`` is accepted for k-diffusion's signature (this sampler draws no progress bar).
    """
    schedule = Schedule.of(schedule)
    ns = noise or noise_schedule_of(model, schedule)
    schedule.validate(ns)
    extra_args = dict(extra_args or {})
    ones = x.new_ones([x.shape[0]])
    calls = 0

    def call(request: Request):
        nonlocal calls
        alpha = ns.alpha(request.t)
        x_ve = request.x / alpha
        sigma = ns.ve_sigma(request.t) * ones
        denoised = model(x_ve, sigma, **extra_args).to(x.dtype)
        if callback is not None:
            callback({"x": x_ve, "i": calls, "sigma": sigma, "sigma_hat": sigma, "denoised": denoised})
        calls += 1
        return to_pair(denoised, request.x, request.t, ns, "x0")

    final = drive(_Executor(ns, schedule).run(x * ns.alpha(schedule.timesteps[0])), call)
    return final / ns.alpha(schedule.timesteps[-1])
