"""Schedule-wide options (src/ScheduleSearch.Core/Solvers/Sampler.Extensions.cs): the model time chosen from the
state's variance (time_shift_window), the analytical first step, GHVB momentum and the Gaussian teleport, with the
data statistics they read.
"""

from __future__ import annotations

import math

import numpy as np

from .arithmetic import _Geometry, _like, _observed_variance


class _ScheduleOptions:
    """The options that read the data statistics or change a step's time or prediction.

    Mixed into the executor (executor._Executor), whose ``ns``, ``ts``, ``steps``, ``options``, ``statistics``,
    ``history``, ``momentum`` and ``probe`` these use.
    """

    def evaluation_time(self, index, state):
        t = self.ts[index]
        window = self.options.time_shift_window
        if window <= 0.0:
            return t + self.steps[index].time_shift if index < len(self.steps) else t
        if self.probe:
            raise ValueError("options.time_shift_window picks each model time from the state; the times are not known before sampling")
        observed = _observed_variance(state)
        data_variance = float(np.mean(self._stat("variance")))
        best, best_gap = t, math.inf
        t_min, t_max = self._range()
        for k in range(41):
            candidate = t - window + 2.0 * window * k / 40
            if candidate < t_min or candidate > t_max:
                continue
            a, s = self.ns.alpha(candidate), self.ns.sigma(candidate)
            gap = abs(observed - (a * a * data_variance + s * s))
            if gap < best_gap - 1e-15 or (abs(gap - best_gap) <= 1e-15 and abs(candidate - t) < abs(best - t)):
                best, best_gap = candidate, gap
        return best

    def _range(self):
        return self.ns.t_min, self.ns.t_max

    # schedule-wide options --------------------------------------------------------------------------------------------
    def analytic_anchor(self, afs, x, t):
        alpha, sigma = self.ns.alpha(t), self.ns.sigma(t)
        if afs == "mean-x0":
            x0 = x * 0.0 + _like(self._stat("mean"), x)
        elif afs == "zero-x0":
            x0 = x * 0.0
        else:
            raise ValueError(f"options.afs: unknown value '{afs}'")
        return x0, (x - alpha * x0) / sigma

    def apply_momentum(self, step, x, t, target, beta):
        """GHVB heavy ball on the multistep update's effective prediction (Wizadwongsa et al. 2023)."""
        if step.method != "multistep":
            self.momentum = None
            return target
        data = step.prediction == "data"
        anchor = self.history[0]
        g = _Geometry(self.ns, anchor.t, anchor.lam, t, data)
        if g.ends_at_zero:
            self.momentum = None
            return target
        k = g.term_weights(1)[0]
        effective = (target - g.ratio * x) / k
        if self.momentum is not None and self.momentum_prediction == step.prediction:
            effective = (1.0 - beta) * effective + beta * self.momentum
        self.momentum, self.momentum_prediction = effective, step.prediction
        return g.ratio * x + k * effective

    def teleport(self, x, s, t):
        """Gaussian teleport: the exact ODE flow of N(mean, diag(variance)) from s to t (Wang & Vastola 2024)."""
        alpha_s, alpha_t = self.ns.alpha(s), self.ns.alpha(t)
        sb_s, sb_t = self.ns.ve_sigma(s), self.ns.ve_sigma(t)
        variance = np.asarray(self._stat("variance"), dtype=np.float64)
        mean = _like(self._stat("mean"), x)
        factor = _like(np.sqrt((variance + sb_t * sb_t) / (variance + sb_s * sb_s)), x)
        return alpha_t * (mean + factor * (x / alpha_s - mean))

    def _stat(self, name):
        if self.probe:
            return np.zeros(1)
        if self.statistics is None or name not in self.statistics:
            raise ValueError(f"this schedule needs the data's {name} (export the schedule with schedule-search export --format json, which writes them beside it, or pass statistics={{'mean': ..., 'variance': ...}})")
        return self.statistics[name]
