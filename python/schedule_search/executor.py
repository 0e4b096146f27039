"""The tool's executor (src/ScheduleSearch.Core/Solvers, SOLVERS.md) formula for formula, over any array type.

``_Executor.run`` is a generator: it yields a :class:`Request` (state, time, model variant) for every model call and
is sent the model's ``(x0_hat, eps_hat)``. The NumPy reference sampler, the torch executor, the diffusers scheduler,
the k-diffusion sampler and the ComfyUI node all drive this one generator, so they run the same arithmetic: every
coefficient is a Python float (float64) as in the tool, and the state keeps the caller's type, device and dtype.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from . import ems as _ems
from .noise import NoiseSchedule
from .schedule import MAX_HISTORY, V3_CORRECTORS, V3_DERIVATIVES, Schedule, ScheduleError

__all__ = ["Request", "run", "drive", "model_call_times"]


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


# -------------------------------------------------------------------------------------------------- numerics


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


# ---------------------------------------------------------------------------------------------------- executor


class Request:
    """One model call the executor needs: the state ``x`` (the schedule's own view) at time ``t`` of variant ``model``."""

    __slots__ = ("x", "t", "model")

    def __init__(self, x, t: float, model: str | None):
        self.x, self.t, self.model = x, t, model

    def __repr__(self) -> str:
        return f"Request(t={self.t!r}, model={self.model!r})"


class _Executor:
    """The tool's Sampler.Run as a generator: it yields a Request per model call and is sent back (x0_hat, eps_hat)."""

    def __init__(self, ns: NoiseSchedule, schedule: Schedule, probe: bool = False):
        self.ns, self.schedule, self.probe = ns, schedule, probe
        self.statistics = schedule.statistics
        self.ts, self.steps, self.options = schedule.timesteps, schedule.steps, schedule.options
        self.history: list[_Point] = []  # newest first
        self.momentum = None
        self.momentum_prediction = None

    # model calls ------------------------------------------------------------------------------------------------
    def evaluate(self, x, t, model):
        pair = yield Request(x, t, model)
        return pair

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

    def push(self, t, x0, eps):
        self.history.insert(0, _Point(t, self.ns.lam(t), x0, eps))
        del self.history[MAX_HISTORY:]

    # the loop (Sampler.Run) ---------------------------------------------------------------------------------------
    def run(self, x):
        """Runs the schedule from state x at timesteps[0]; a generator whose return value is the final state."""
        ts, steps, options = self.ts, self.steps, self.options
        for i, step in enumerate(steps):
            s, t = ts[i], ts[i + 1]
            last = i == len(steps) - 1
            if step.method == "teleport":
                x = self.teleport(x, s, t)
                continue
            if not (self.history and self.history[0].t == s):
                if i == 0 and options.afs != "none":
                    x0, eps = self.analytic_anchor(options.afs, x, s)
                else:
                    x0, eps = yield from self.evaluate(x, self.evaluation_time(i, x), step.model)
                self.push(s, x0, eps)
            order = self.schedule.effective_order(i)
            predicted = yield from self.predict(step, order, x, t, i)
            momentum = options.momentum
            if momentum > 0.0:
                predicted = self.apply_momentum(step, x, t, predicted, momentum)
            if step.corrector == "none":
                x = predicted
            elif step.corrector == "unic":
                x0, eps = yield from self.evaluate(predicted, self.evaluation_time(i + 1, predicted), steps[i + 1].model)
                x = self.correct(step, order, x, t, x0, eps)
                self.push(t, x0, eps)
            elif step.corrector in V3_CORRECTORS:
                # As UniC: the evaluation at the predicted state is the next step's anchor.
                x0, eps = yield from self.evaluate(predicted, self.evaluation_time(i + 1, predicted), steps[i + 1].model)
                x, x0, eps = self.ems_correct(step, order, x, t, predicted, x0, eps)
                self.push(t, x0, eps)
            elif step.corrector == "implicit":
                when = t if last else self.evaluation_time(i + 1, predicted)
                x0, eps = yield from self.evaluate(predicted, when, step.model if last else steps[i + 1].model)
                x = self.correct(step, order, x, t, x0, eps)
                if not last:
                    self.push(t, *(yield from self.evaluate(x, self.evaluation_time(i + 1, x), steps[i + 1].model)))
            else:
                raise ValueError(f"step {i + 1}: unknown corrector '{step.corrector}'")
        if options.denoise_to_zero:
            x, _ = yield from self.evaluate(x, ts[-1], steps[-1].model)
        return x

    def predict(self, step, order, x, t, index):
        m = step.method
        if m == "multistep" and step.derivative in ("unipc-bh1", "unipc-bh2"):
            return self.unipc_predict(step, order, x, t)
        if m == "multistep" and step.derivative in V3_DERIVATIVES:
            return self.ems_predict(step, order, x, t)
        if m == "multistep" and step.derivative == "deis":
            return self.deis_step(order, x, t)
        if m == "multistep":
            return self.multistep_predict(step, order, x, t)
        if m == "singlestep":
            return (yield from self.singlestep_predict(step, order, x, t))
        if m in ("euler", "ipndm", "plms"):
            return (yield from self.adams_bashforth_step(step, order, x, index, t))
        if m == "heun":
            return (yield from self.heun_step(step, x, t))
        raise ValueError(f"step {index + 1}: unknown method '{m}'")

    # exponential-integrator multistep (DPM-Solver, DPM-Solver++, Taylor, linear(c)) -------------------------------
    def multistep_predict(self, step, q, x, t):
        data = step.prediction == "data"
        h = self.history
        anchor = h[0]
        g = _Geometry(self.ns, anchor.t, anchor.lam, t, data)
        if g.ends_at_zero:
            return g.alpha_t * anchor.x0
        term = g.term_weights(max(q, 1))
        w = [0.0] * (q + 1)
        sources = [x] + [h[k].values(data) for k in range(q)]
        w[0] = g.ratio
        w[1] = term[0]
        if q == 2 and step.derivative == "dpm-solver":
            r0 = (anchor.lam - h[1].lam) / g.h
            k1 = 0.5 * term[0] / r0
            w[1] += k1
            w[2] -= k1
        elif q == 3 and step.derivative == "dpm-solver":
            r0 = (anchor.lam - h[1].lam) / g.h
            r1 = (h[1].lam - h[2].lam) / g.h
            a, b = term[1], term[2]
            c10 = a * (1.0 + r0 / (r0 + r1)) + b / (r0 + r1)
            c11 = -a * r0 / (r0 + r1) - b / (r0 + r1)
            w[1] += c10 / r0
            w[2] -= c10 / r0
            w[2] += c11 / r1
            w[3] -= c11 / r1
        elif q >= 2:
            linear = 1.0 + step.linear_c * g.h if step.derivative == "linear" else 1.0
            self._taylor_terms(w, term, q, g, linear)
        return _combine(w, sources)

    def _taylor_terms(self, w, term, q, g, first_factor):
        n = q - 1
        a = np.zeros((n, n))
        y = np.zeros(n)
        factorial = 1.0
        for p in range(1, n + 1):
            factorial *= p
            y[p - 1] = factorial * term[p] * (first_factor if p == 1 else 1.0)
            for k in range(1, n + 1):
                r = (self.history[k].lam - g.lambda_s) / g.h
                a[p - 1, k - 1] = r ** p
        sol = np.linalg.solve(a, y)
        for k in range(1, n + 1):
            w[1 + k] += sol[k - 1]
            w[1] -= sol[k - 1]

    # singlestep (DPM-Solver-2/3, DPM-Solver++(2S)) ------------------------------------------------------------------
    def singlestep_predict(self, step, q, x, t):
        if q == 1:
            return self.multistep_predict(step, 1, x, t)
        data = step.prediction == "data"
        anchor = self.history[0]
        ms = anchor.values(data)
        g = _Geometry(self.ns, anchor.t, anchor.lam, t, data)
        term = g.term_weights(3)
        linear = 1.0 + step.linear_c * g.h if step.derivative == "linear" else 1.0
        r1 = 0.5 if q == 2 else 1.0 / 3.0
        r2 = 2.0 / 3.0
        s1 = self.ns.inverse_lambda(g.lambda_s + r1 * g.h)
        g1 = _Geometry(self.ns, anchor.t, anchor.lam, s1, data)
        term1 = g1.term_weights(1)
        inner1 = _combine([g1.ratio, term1[0]], [x, ms])
        m1 = _pick((yield from self.evaluate(inner1, s1, step.model)), data)
        if q == 2:
            c = 0.5 * term[0] / r1 if step.derivative == "dpm-solver" else linear * term[1] / r1
            return _combine([g.ratio, term[0] - c, c], [x, ms, m1])
        s2 = self.ns.inverse_lambda(g.lambda_s + r2 * g.h)
        g2 = _Geometry(self.ns, anchor.t, anchor.lam, s2, data)
        term2 = g2.term_weights(2)
        k2 = term2[1] * r2 / r1
        inner2 = _combine([g2.ratio, term2[0] - k2, k2], [x, ms, m1])
        m2 = _pick((yield from self.evaluate(inner2, s2, step.model)), data)
        if step.derivative == "dpm-solver":
            c = term[1] / r2
            return _combine([g.ratio, term[0] - c, c], [x, ms, m2])
        a = linear * term[1]
        b = term[2]
        c10 = a * r2 / (r2 - r1) - 2.0 * b / (r2 - r1)
        c11 = -a * r1 / (r2 - r1) + 2.0 * b / (r2 - r1)
        c1, c2 = c10 / r1, c11 / r2
        return _combine([g.ratio, term[0] - c1 - c2, c1, c2], [x, ms, m1, m2])

    # UniPC: UniP predictor and UniC corrector (Zhao et al. 2023, Alg. 1-2) --------------------------------------------
    @staticmethod
    def _unipc_b(step, g):
        return g.z if step.derivative == "unipc-bh1" else _expm1(g.z)

    @staticmethod
    def _unipc_rhs(g, bh, count):
        phi = _phi(g.z, count + 1)
        out, factorial = [], 1.0
        for j in range(1, count + 1):
            factorial *= j
            out.append(factorial * g.z * phi[j] / bh)
        return out

    def _solve_unipc(self, g, m, b, include_one):
        rks = [1.0 if include_one and k == m - 1 else (self.history[k + 1].lam - g.lambda_s) / g.h for k in range(m)]
        a = np.array([[rks[k] ** j for k in range(m)] for j in range(m)])
        return list(np.linalg.solve(a, np.array(b[:m])))

    def unipc_predict(self, step, q, x, t):
        data = step.prediction == "data"
        h = self.history
        g = _Geometry(self.ns, h[0].t, h[0].lam, t, data)
        bh = self._unipc_b(step, g)
        b = self._unipc_rhs(g, bh, q)
        w = [0.0] * (q + 1)
        sources = [x] + [h[k].values(data) for k in range(q)]
        w[0] = g.ratio
        w[1] = -g.scale * _expm1(g.z)
        if q >= 2:
            rho = [0.5] if q == 2 else self._solve_unipc(g, q - 1, b, include_one=False)
            for k in range(1, q):
                r = (h[k].lam - g.lambda_s) / g.h
                c = -g.scale * bh * rho[k - 1] / r
                w[1 + k] += c
                w[1] -= c
        return _combine(w, sources)

    def correct(self, step, order, x, t, x0_new, eps_new):
        data = step.prediction == "data"
        h = self.history
        q = min(order, len(h))
        g = _Geometry(self.ns, h[0].t, h[0].lam, t, data)
        bh = self._unipc_b(step, g)
        b = self._unipc_rhs(g, bh, q)
        rho = [0.5] if q == 1 else self._solve_unipc(g, q, b, include_one=True)
        w = [0.0] * (q + 2)
        sources = [x] + [h[k].values(data) for k in range(q)] + [x0_new if data else eps_new]
        w[0] = g.ratio
        w[1] = -g.scale * _expm1(g.z)
        for k in range(1, q):
            r = (h[k].lam - g.lambda_s) / g.h
            c = -g.scale * bh * rho[k - 1] / r
            w[1 + k] += c
            w[1] -= c
        last = -g.scale * bh * rho[q - 1] * step.compensation  # DC-Solver's ratio; 1 = plain UniC
        w[q + 1] += last
        w[1] -= last
        return _combine(w, sources)

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


def _pick(pair, data):
    return pair[0] if data else pair[1]


def run(schedule: Schedule, ns: NoiseSchedule, x) -> Iterator[Request]:
    """The executor's generator over ``schedule`` from state ``x`` (its return value is the final state)."""
    return _Executor(ns, schedule).run(x)


def drive(generator, call: Callable[[Request], tuple[Any, Any]]):
    """Runs an executor generator to the end, answering each Request with ``call``; returns the final state."""
    try:
        request = next(generator)
        while True:
            request = generator.send(call(request))
    except StopIteration as done:
        return done.value


def model_call_times(schedule: Schedule, ns: NoiseSchedule | None = None) -> list[tuple[float, str | None]]:
    """The (time, variant) of every model call the schedule makes, in order, from a dry run on a zero state.

    The times depend only on the schedule, except with ``options.time_shift_window`` (chosen from the state), which
    raises ValueError here.
    """
    ns = ns or schedule.noise_schedule()
    executor = _Executor(ns, schedule, probe=True)
    times: list[tuple[float, str | None]] = []

    def answer(request: Request):
        times.append((request.t, request.model))
        return np.zeros((1, 1)), np.zeros((1, 1))

    drive(executor.run(np.zeros((1, 1))), answer)
    return times
