"""Noise schedules of the tool's time conventions (FORMATS.md): alpha(t), sigma(t), lambda(t) = log(alpha / sigma).

The same formulas as src/ScheduleSearch.Core/Noise, in Python floats (float64), so coefficients match the tool's.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

__all__ = ["NoiseSchedule", "VpDiscrete", "VpLinear", "Edm", "Flow", "noise_schedule"]


def _log_add_exp(a: float, b: float) -> float:
    m = max(a, b)
    if m == -math.inf:
        return m
    return m + math.log1p(math.exp(-abs(a - b)))


class NoiseSchedule:
    """alpha(t), sigma(t) and lambda(t) = log(alpha/sigma) of one time convention."""

    kind = ""
    breakpoints: Sequence[float] = ()
    t_min = 0.0
    t_max = 1.0
    allows_zero_end = False

    def contains(self, t: float) -> bool:
        """Whether the model can be evaluated at t (or t = 0 ends a schedule where sigma reaches 0), as the tool checks."""
        return (self.t_min * (1 - 1e-12) <= t <= self.t_max * (1 + 1e-12)) or (t == 0.0 and self.allows_zero_end)

    def log_alpha(self, t: float) -> float:
        raise NotImplementedError

    def sigma(self, t: float) -> float:
        raise NotImplementedError

    def inverse_lambda(self, lam: float) -> float:
        raise NotImplementedError

    def alpha(self, t: float) -> float:
        return math.exp(self.log_alpha(t))

    def lam(self, t: float) -> float:
        return self.log_alpha(t) - math.log(self.sigma(t))

    def ve_sigma(self, t: float) -> float:
        return self.sigma(t) / self.alpha(t)

    def time_of_ve_sigma(self, ve_sigma: float) -> float:
        return 0.0 if ve_sigma == 0.0 else self.inverse_lambda(-math.log(ve_sigma))


class VpDiscrete(NoiseSchedule):
    """DDPM betas; log alpha interpolated piecewise-linearly over knots t_n = (n+1)/N, extended linearly (DPM-Solver)."""

    kind = "vp-discrete"

    def __init__(self, betas: str | Sequence[float] = "linear", beta_start: float = 1e-4, beta_end: float = 0.02, train_steps: int = 1000):
        if isinstance(betas, str):
            betas = _betas(betas, beta_start, beta_end, train_steps)
        betas = [float(b) for b in betas]
        n = len(betas)
        self.train_steps = n
        self.knots_t = [(k + 1.0) / n for k in range(n)]
        cumulative = 0.0
        self.knots_log_alpha = []
        for b in betas:
            cumulative += math.log1p(-b)
            self.knots_log_alpha.append(0.5 * cumulative)
        self.breakpoints = self.knots_t
        self.t_min = 1.0 / n

    @classmethod
    def from_alphas_cumprod(cls, alphas_cumprod: Sequence[float]) -> "VpDiscrete":
        """The schedule of a model that only publishes its cumulative alphas (ComfyUI's model_sampling, diffusers)."""
        acp = [float(a) for a in alphas_cumprod]
        betas = [1.0 - acp[0]] + [1.0 - acp[k] / acp[k - 1] for k in range(1, len(acp))]
        return cls(betas)

    def timestep(self, t: float) -> float:
        """The network's (fractional) discrete timestep at continuous t: t_n = (n + 1) / N, so n = N t - 1."""
        return self.train_steps * t - 1.0

    def time_of_timestep(self, n: float) -> float:
        return (float(n) + 1.0) / self.train_steps

    def log_alpha(self, t: float) -> float:
        xs, ys, n = self.knots_t, self.knots_log_alpha, self.train_steps
        lo = int(np.searchsorted(xs, t, side="right")) - 1
        lo = min(max(lo, 0), n - 2)
        return _segment(t, xs[lo], xs[lo + 1], ys[lo], ys[lo + 1])

    def sigma(self, t: float) -> float:
        return math.sqrt(-math.expm1(2.0 * self.log_alpha(t)))

    def lam(self, t: float) -> float:
        la = self.log_alpha(t)
        return la - 0.5 * math.log(-math.expm1(2.0 * la))

    def inverse_lambda(self, lam: float) -> float:
        log_alpha = -0.5 * _log_add_exp(0.0, -2.0 * lam)
        xs, ys, n = self.knots_log_alpha, self.knots_t, self.train_steps
        if log_alpha >= xs[0]:
            lo = 0
        elif log_alpha <= xs[n - 1]:
            lo = n - 2
        else:
            a, b = 0, n - 1
            while b - a > 1:
                mid = (a + b) // 2
                if xs[mid] >= log_alpha:
                    a = mid
                else:
                    b = mid
            lo = a
        return _segment(log_alpha, xs[lo + 1], xs[lo], ys[lo + 1], ys[lo])


def _segment(x, x0, x1, y0, y1):
    return y0 + (x - x0) * (y1 - y0) / (x1 - x0)


def _betas(kind: str, start: float, end: float, n: int) -> list[float]:
    def linspace(a, b):
        step = (b - a) / (n - 1)
        return [a + i * step if i < n // 2 else b - (n - 1 - i) * step for i in range(n)]

    if kind == "linear":
        return linspace(start, end)
    if kind == "scaled_linear":
        return [v * v for v in linspace(math.sqrt(start), math.sqrt(end))]
    if kind == "squaredcos_cap_v2":
        def alpha_bar(t):
            return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        return [min(1 - alpha_bar((i + 1) / n) / alpha_bar(i / n), 0.999) for i in range(n)]
    raise ValueError(f"unknown betas '{kind}'; expected linear, scaled_linear or squaredcos_cap_v2")


class VpLinear(NoiseSchedule):
    """Continuous VP with linear beta(t) from beta_0 to beta_1."""

    kind = "vp-linear"
    t_min = 1e-5

    def __init__(self, beta_0: float = 0.1, beta_1: float = 20.0):
        self.beta_0, self.beta_1 = beta_0, beta_1

    def log_alpha(self, t):
        return -0.25 * t * t * (self.beta_1 - self.beta_0) - 0.5 * t * self.beta_0

    def sigma(self, t):
        return math.sqrt(-math.expm1(2.0 * self.log_alpha(t)))

    def inverse_lambda(self, lam):
        tmp = 2.0 * (self.beta_1 - self.beta_0) * _log_add_exp(-2.0 * lam, 0.0)
        delta = self.beta_0 ** 2 + tmp
        return tmp / (math.sqrt(delta) + self.beta_0) / (self.beta_1 - self.beta_0)


class Edm(NoiseSchedule):
    """EDM / VE: alpha = 1, sigma = t."""

    kind = "edm"
    allows_zero_end = True

    def __init__(self, sigma_min: float = 0.002, sigma_max: float = 80.0):
        self.t_min, self.t_max = float(sigma_min), float(sigma_max)

    def log_alpha(self, t):
        return 0.0

    def sigma(self, t):
        return t

    def lam(self, t):
        return -math.log(t) if t > 0 else math.inf

    def inverse_lambda(self, lam):
        return math.exp(-lam)


class Flow(NoiseSchedule):
    """Rectified flow: alpha = 1 - t, sigma = t."""

    kind = "flow"
    t_min = 1e-4
    t_max = 1.0 - 1e-4
    allows_zero_end = True

    def log_alpha(self, t):
        return math.log1p(-t)

    def sigma(self, t):
        return t

    def lam(self, t):
        return math.log1p(-t) - math.log(t) if t > 0 else math.inf

    def inverse_lambda(self, lam):
        return 1.0 / (1.0 + math.exp(lam))


def noise_schedule(kind: str, **params) -> NoiseSchedule:
    """The noise schedule of a model card's ``schedule`` block (``noise_schedule(**card["schedule"])`` works)."""
    if kind == "vp-discrete":
        return VpDiscrete(**params)
    if kind == "vp-linear":
        return VpLinear(**params)
    if kind == "edm":
        return Edm(params.get("sigma_min", 0.002), params.get("sigma_max", 80.0))
    if kind == "flow":
        return Flow()
    raise ValueError(f"unknown schedule kind '{kind}'; expected vp-discrete, vp-linear, edm or flow")
