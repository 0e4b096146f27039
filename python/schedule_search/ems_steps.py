"""DPM-Solver-v3 steps (src/ScheduleSearch.Core/Solvers/Sampler.Ems.cs): the multistep predictor and the v3 and
pseudo-order correctors on the model's empirical statistics (their integrals and weights: ems.py).
"""

from __future__ import annotations

import numpy as np

from . import ems as _ems
from .arithmetic import _like, _Point
from .schedule import ScheduleError


class _EmsSteps:
    """DPM-Solver-v3's predictor and correctors; a dry run (``probe``) returns the state unchanged.

    Mixed into the executor (executor._Executor), whose ``ns``, ``history`` (newest first), ``schedule`` and
    ``probe`` these use.
    """

    # DPM-Solver-v3 (Zheng et al. 2023): the multistep predictor and the pseudo-order corrector (Sampler.Ems.cs) ------
    def ems_predict(self, step, order, x, t):
        """From the newest history point s to t with the history points s, s-1, ... (order of them)."""
        if self.probe:
            return x
        return self._ems_apply(self.history[:order], x, t, step.derivative == "dpm-solver-v3-pseudo")

    def ems_correct(self, step, order, x, t, predicted, x0, eps):
        """The step from s to t solved again with the model's value at the predicted state added to the history
        (points s, new, s-1, ...) at the step's order, plus one for the pseudo corrector; returns the corrected state
        and the new point's predictions shifted so that f there is unchanged."""
        if self.probe:
            return x, x0, eps
        pseudo = step.corrector == "dpm-solver-v3-pseudo"
        c = order + (1 if pseudo else 0)
        fresh = _Point(t, self.ns.lam(t), x0, eps)
        points = [self.history[0], fresh] + self.history[1:c - 1]
        corrected = self._ems_apply(points, x, t, pseudo)
        integrals = self._ems_integrals(x)
        at = integrals.locate(self.ns.lam(t))
        if at is None:
            raise self._outside_grid(t)
        l_t = _like(integrals.values_at(at)[0], x)
        sigma, alpha = self.ns.sigma(t), self.ns.alpha(t)
        # eps' = (sigma eps - l x_pred + l x_c) / sigma, and x0' consistent with the corrected state.
        eps = eps + l_t * (corrected - predicted) / sigma
        return corrected, (corrected - sigma * eps) / alpha, eps

    def _ems_apply(self, points, xs, t, pseudo):
        integrals = self._ems_integrals(xs)
        size = int(np.prod(xs.shape[1:]))
        if size != integrals.stats.size:
            raise ScheduleError(f"the empirical model statistics describe {integrals.stats.size} values per sample; the state has {size}")
        cx, k0, w_eps, w_x0 = _ems.update_weights(integrals, self.ns, points, t, pseudo, self._outside_grid)
        value = _like(cx, xs) * xs + _like(k0, xs)
        for j, p in enumerate(points):
            value = value + (_like(w_eps[j], xs) * p.eps + _like(w_x0[j], xs) * p.x0)
        return value

    def _ems_integrals(self, x):
        return self.schedule.ems_for(self.ns, int(np.prod(x.shape[1:]))).integrals

    def _outside_grid(self, t):
        return ScheduleError(f"dpm-solver-v3 reads its statistics at t = {t!r}, outside the statistics grid {self.schedule.ems_grid_text(self.ns)}")
