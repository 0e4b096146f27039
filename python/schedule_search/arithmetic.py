"""The executor's arithmetic (src/ScheduleSearch.Core/Solvers: StepGeometry, HistoryPoint, LinearCombination): phi
functions, one step's geometry in lambda, a history point, linear combinations in the state's own type, and the
conversion of float64 statistics to the state's type, dtype and device.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .noise import NoiseSchedule


def _like(values, x):
    """NumPy float64 statistics shaped as one sample of x, in x's type, dtype and device."""
    array = np.asarray(values, dtype=np.float64).reshape(tuple(x.shape[1:]))
    if isinstance(x, np.ndarray):
        return array.astype(x.dtype, copy=False)
    import torch

    return torch.as_tensor(array, dtype=x.dtype, device=x.device)


def _observed_variance(state) -> float:
    """Mean over dimensions of the per-dimension variance across the batch (population variance, as the tool)."""
    batch = state.shape[0]
    flat = state.reshape(batch, -1)
    if isinstance(flat, np.ndarray):
        return float(np.mean(flat.var(axis=0))) if batch >= 2 else float(flat.var())
    return float(flat.var(dim=0, unbiased=False).mean()) if batch >= 2 else float(flat.var(unbiased=False))


def _expm1(x: float) -> float:
    return math.expm1(x)


def _phi(z: float, count: int) -> list[float]:
    """phi_1..phi_count at z: phi_1(z) = (e^z - 1)/z, phi_{k+1}(z) = (phi_k(z) - 1/k!)/z."""
    if abs(z) < 0.5:
        out = []
        for k in range(1, count + 1):
            term = 1.0 / math.factorial(k)
            total = 0.0
            for j in range(40):
                if term == 0.0:
                    break
                total += term
                term *= z / (j + k + 1)
            out.append(total)
        return out
    out = [_expm1(z) / z]
    factorial = 1.0
    for k in range(1, count):
        out.append((out[k - 1] - 1.0 / factorial) / z)
        factorial *= k + 1
    return out


class _Geometry:
    """One step from s to t in lambda (SOLVERS.md section 2), for data or noise prediction."""

    def __init__(self, ns: NoiseSchedule, s: float, lambda_s: float, t: float, data: bool):
        self.s, self.t, self.lambda_s = s, t, lambda_s
        self.lambda_t = ns.lam(t)
        self.h = self.lambda_t - lambda_s
        self.log_alpha_s, self.log_alpha_t = ns.log_alpha(s), ns.log_alpha(t)
        self.alpha_t = math.exp(self.log_alpha_t)
        self.sigma_s, self.sigma_t = ns.sigma(s), ns.sigma(t)
        self.data = data
        self.z = -self.h if data else self.h
        self.sign = 1.0 if data else -1.0
        self.scale = self.alpha_t if data else self.sigma_t
        self.ratio = self.sigma_t / self.sigma_s if data else math.exp(self.log_alpha_t - self.log_alpha_s)

    @property
    def ends_at_zero(self) -> bool:
        return self.lambda_t == math.inf

    def term_weights(self, count: int) -> list[float]:
        return [self.sign * self.scale * self.h * p for p in _phi(self.z, count)]


@dataclass
class _Point:
    t: float
    lam: float
    x0: np.ndarray
    eps: np.ndarray

    def values(self, data: bool) -> np.ndarray:
        return self.x0 if data else self.eps


def _combine(weights, sources):
    """sum_k w_k * source_k in the sources' own type and dtype (NumPy arrays or torch tensors); weights are floats."""
    out = None
    for w, src in zip(weights, sources):
        w = float(w)
        if w == 0.0:
            continue
        out = w * src if out is None else out + w * src
    return sources[0] * 0.0 if out is None else out


def _pick(pair, data):
    return pair[0] if data else pair[1]
