"""The NumPy reference sampler: runs a schedule exactly as the tool does, on float64 arrays.

    import numpy as np
    from schedule_search import Schedule, sample

    schedule = Schedule.load("quickstart-nfe5.schedule.json")   # its statistics (.npz beside it) load too
    def denoiser(x, t):                 # x: [B, ...] state, t: float time in the schedule's convention
        return my_model_x0(x, t)        # the model's data prediction (or pass prediction="eps", "v", "flow")
    x_T = np.random.default_rng(0).standard_normal((16, 64))
    x_0 = sample(schedule, denoiser, x_T)   # VP discrete linear betas by default; pass noise=... otherwise

Conventions (FORMATS.md, SOLVERS.md): ``x_t = alpha(t) x_0 + sigma(t) eps``; ``lambda = log(alpha / sigma)``; the
state starts as the noise for VP and flow models and as ``sigma(t_T) * noise`` for EDM/VE models.
"""

from __future__ import annotations

import argparse
import json
from typing import Callable, Mapping, Sequence

import numpy as np

from .executor import Request, _Executor, drive
from .noise import Edm, NoiseSchedule
from .schedule import Schedule, load_statistics

__all__ = ["sample", "initial_state", "to_pair", "gmm_denoiser", "main"]

PREDICTIONS = ("x0", "eps", "v", "flow")


def to_pair(out, x, t: float, ns: NoiseSchedule, prediction: str):
    """A model's output at (x, t) as (x0_hat, eps_hat), in the output's own array type (the tool's ParameterizedDenoiser)."""
    alpha, sigma = ns.alpha(t), ns.sigma(t)
    if prediction == "x0":
        x0 = out
        eps = x * 0.0 if sigma == 0.0 else (x - alpha * x0) / sigma
    elif prediction == "eps":
        eps = out
        x0 = (x - sigma * eps) / alpha
    elif prediction == "v":
        norm = 1.0 / (alpha * alpha + sigma * sigma)
        x0 = (alpha * x - sigma * out) * norm
        eps = (sigma * x + alpha * out) * norm
    elif prediction == "flow":
        norm = 1.0 / (alpha + sigma)
        x0 = (x - sigma * out) * norm
        eps = (x + alpha * out) * norm
    else:
        raise ValueError(f"unknown prediction '{prediction}'; expected x0, eps, v or flow")
    return x0, eps


def initial_state(schedule, noise: np.ndarray, noise_sched: NoiseSchedule | None = None) -> np.ndarray:
    """The start state for standard-normal noise: the noise for VP and flow models, sigma(t_T) * noise for EDM/VE."""
    schedule = Schedule.of(schedule)
    ns = noise_sched or schedule.noise_schedule()
    scale = ns.sigma(schedule.timesteps[0]) if isinstance(ns, Edm) else 1.0
    return scale * np.asarray(noise, dtype=np.float64)


def sample(schedule, denoiser_fn: Callable[[np.ndarray, float], np.ndarray], x_T: np.ndarray, noise: NoiseSchedule | None = None,
           prediction: str = "x0", statistics: Mapping[str, Sequence[float]] | None = None,
           models: Mapping[str, Callable[[np.ndarray, float], np.ndarray]] | None = None) -> np.ndarray:
    """Runs ``schedule`` (a Schedule, a dict, JSON text or a file path) from ``x_T`` at ``timesteps[0]`` to ``timesteps[-1]``.

    ``denoiser_fn(x, t)`` gets the state (float64, shape of ``x_T``) and the continuous time ``t`` in the schedule's
    convention (t for VP and flow, sigma for EDM) and returns the model's ``prediction``: ``x0`` (data), ``eps``
    (noise), ``v`` or ``flow`` (velocity eps - x0). ``noise`` is the model's noise schedule (default: the schedule's
    ``time`` kind with default parameters). ``statistics`` (``mean``, ``variance``) override the ones the schedule file
    names. ``models`` maps the variant names that steps name in ``model`` to their own functions. Returns float64.
    """
    schedule = Schedule.of(schedule)
    if statistics is not None:
        schedule.statistics = {k: np.asarray(v, dtype=np.float64) for k, v in statistics.items()}
    ns = noise or schedule.noise_schedule()
    functions = {None: denoiser_fn, **(models or {})}

    def call(request: Request):
        fn = functions[request.model]
        out = np.asarray(fn(request.x, request.t), dtype=np.float64)
        return to_pair(out, request.x, request.t, ns, prediction)

    executor = _Executor(ns, schedule)
    return drive(executor.run(np.array(x_T, dtype=np.float64, copy=True)), call)


def gmm_denoiser(params: Mapping, ns: NoiseSchedule):
    """The exact posterior mean E[x0 | x_t] of a diagonal Gaussian mixture ({weights, means, variances}), as x0 prediction."""
    weights = np.asarray(params["weights"], dtype=np.float64)
    means = np.asarray(params["means"], dtype=np.float64)
    variances = np.asarray(params["variances"], dtype=np.float64)

    def denoise(x, t):
        alpha, sigma = ns.alpha(t), ns.sigma(t)
        xb = x / alpha
        s2 = (sigma / alpha) ** 2
        total = variances + s2  # [K, D]
        diff = xb[:, None, :] - means[None, :, :]  # [B, K, D]
        log_p = np.log(weights)[None, :] - 0.5 * np.sum(diff * diff / total[None] + np.log(2 * np.pi * total)[None], axis=2)
        log_p -= log_p.max(axis=1, keepdims=True)
        r = np.exp(log_p)
        r /= r.sum(axis=1, keepdims=True)
        posterior = means[None] + (variances / total)[None] * diff
        return np.einsum("bk,bkd->bd", r, posterior)

    return denoise


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m schedule_search SCHEDULE.json GMM_PARAMS.json NOISE.npy OUT.npy [--statistics STATS.npz] [--ems EMS.npz]``."""
    parser = argparse.ArgumentParser(prog="python -m schedule_search",
                                     description="Run a schedule exactly on an analytic Gaussian-mixture model (the tool's gmm cards).")
    parser.add_argument("schedule", help="schedule-search/schedule@1 file (its statistics .npz, if it names one, loads too)")
    parser.add_argument("params", help="the mixture's params.json (weights, means, variances)")
    parser.add_argument("noise", help="standard-normal draws, [B, D] .npy")
    parser.add_argument("out", help="the samples, .npy (float64)")
    parser.add_argument("--statistics", help="the data's mean and variance (.npz, e.g. the model card's stats.npz); "
                                             "needed by afs mean-x0, teleport and time_shift_window when the schedule names none")
    parser.add_argument("--ems", help="DPM-Solver-v3's empirical model statistics (.npz, e.g. the model card's ems.npz); "
                                      "needed by dpm-solver-v3 steps when the schedule names none")
    args = parser.parse_args(argv)
    stats = load_statistics(args.statistics) if args.statistics else None
    schedule = Schedule.load(args.schedule, statistics=stats, ems=args.ems)
    ns = schedule.noise_schedule()
    schedule.validate(ns)
    with open(args.params, encoding="utf-8") as f:
        params = json.load(f)
    x = initial_state(schedule, np.load(args.noise), ns)
    np.save(args.out, sample(schedule, gmm_denoiser(params, ns), x, noise=ns))
    return 0
