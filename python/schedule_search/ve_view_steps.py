"""Steps in the VE view (src/ScheduleSearch.Core/Solvers: Sampler.Deis, Sampler.VeView): DEIS, Euler, iPNDM and
PLMS (Adams-Bashforth on eps), Heun.
"""

from __future__ import annotations

import math

import numpy as np

from .arithmetic import _combine


class _VeViewSteps:
    """Steps on eps in the VE sigma, each from the newest history point.

    Mixed into the executor (executor._Executor), whose ``ns``, ``history`` (newest first) and ``evaluate`` (a
    generator yielding a model call) these use.
    """

    # DEIS (Zhang & Chen 2022): Lagrange extrapolation of eps in t, integrated exactly in the VE view -------------------
    def deis_step(self, q, x, t):
        h = self.history
        s = h[0].t
        alpha_s, alpha_t = self.ns.alpha(s), self.ns.alpha(t)
        coefficients = self._deis_coefficients(q, t)
        w = [alpha_t / alpha_s] + [alpha_t * c for c in coefficients]
        return _combine(w, [x] + [h[j].eps for j in range(q)])

    def _deis_coefficients(self, q, t):
        times = [self.history[j].t for j in range(q)]
        start, end = self.ns.ve_sigma(times[0]), self.ns.ve_sigma(t)
        if q == 1:
            return [end - start]
        pieces = self._pieces(times[0], t, start, end)
        nodes, weights = np.polynomial.legendre.leggauss(8)
        result = []
        for j in range(q):
            def lagrange(u, j=j):
                tau = self.ns.time_of_ve_sigma(u)
                value = 1.0
                for k in range(q):
                    if k != j:
                        value *= (tau - times[k]) / (times[j] - times[k])
                return value
            total = 0.0
            for a, b in zip(pieces, pieces[1:]):
                if a != b:
                    half, mid = 0.5 * (b - a), 0.5 * (b + a)
                    total += half * sum(wk * lagrange(mid + half * xk) for xk, wk in zip(nodes, weights))
            result.append(total)
        return result

    def _pieces(self, s, t, start, end):
        points = [start, end]
        points += [self.ns.ve_sigma(knot) for knot in self.ns.breakpoints if t < knot < s]
        if end > 0.0:
            for k in range(1, 8):
                points.append(math.exp(math.log(start) + k * (math.log(end) - math.log(start)) / 8))
        points.sort()
        if start > end:
            points.reverse()
        return points

    # VE-view methods: Euler, iPNDM, PLMS (Adams-Bashforth on eps), Heun ----------------------------------------------
    _AB = [[1.0], [1.5, -0.5], [23 / 12, -16 / 12, 5 / 12], [55 / 24, -59 / 24, 37 / 24, -9 / 24]]

    def adams_bashforth_step(self, step, q, x, index, t):
        h = self.history
        s = h[0].t
        alpha_s, alpha_t = self.ns.alpha(s), self.ns.alpha(t)
        delta = self.ns.ve_sigma(t) - self.ns.ve_sigma(s)
        if step.method == "plms" and index == 0:
            inner = _combine([alpha_t / alpha_s, alpha_t * delta], [x, h[0].eps])
            _, eps1 = yield from self.evaluate(inner, t, step.model)
            return _combine([alpha_t / alpha_s, 0.5 * alpha_t * delta, 0.5 * alpha_t * delta], [x, h[0].eps, eps1])
        order = 1 if step.method == "euler" else q
        coefficients = self._AB[order - 1]
        w = [alpha_t / alpha_s] + [alpha_t * delta * c for c in coefficients]
        return _combine(w, [x] + [h[j].eps for j in range(order)])

    def heun_step(self, step, x, t):
        anchor = self.history[0]
        alpha_s, alpha_t = self.ns.alpha(anchor.t), self.ns.alpha(t)
        sigma_bar_t = self.ns.ve_sigma(t) if t > 0 else 0.0
        delta = sigma_bar_t - self.ns.ve_sigma(anchor.t)
        euler = _combine([alpha_t / alpha_s, alpha_t * delta], [x, anchor.eps])
        if sigma_bar_t == 0.0:
            return euler
        _, eps1 = yield from self.evaluate(euler, t, step.model)
        return _combine([alpha_t / alpha_s, 0.5 * alpha_t * delta, 0.5 * alpha_t * delta], [x, anchor.eps, eps1])
