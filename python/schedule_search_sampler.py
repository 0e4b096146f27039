"""Reference executor of ScheduleSearch's schedule format (``schedule-search/schedule@1``), NumPy only.

Runs a schedule exported by ``schedule-search export --format json`` -- timesteps plus one solver choice per
step -- on your own model, so per-step choices that diffusers, k-diffusion and ComfyUI cannot express still run
exactly. It follows the C# executor (src/ScheduleSearch.Core/Solvers) formula for formula; a test checks the two
agree on the built-in gmm-toy-8 model.

    import json, numpy as np
    from schedule_search_sampler import sample, noise_schedule

    schedule = json.load(open("quickstart-nfe5.schedule.json"))
    def denoiser(x, t):              # x: [B, ...] state, t: float time in the schedule's convention
        return my_model_x0(x, t)     # the model's data prediction x0_hat (or pass prediction="eps", "v", "flow")
    x_T = np.random.default_rng(0).standard_normal((16, 64))
    x_0 = sample(schedule, denoiser, x_T)  # VP discrete linear betas by default; pass noise=... otherwise

Conventions (FORMATS.md, SOLVERS.md): ``x_t = alpha(t) x_0 + sigma(t) eps``; ``lambda = log(alpha / sigma)``; the
state starts as the noise for VP and flow models and as ``sigma(t_T) * noise`` for EDM/VE models.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

FORMAT = "schedule-search/schedule@1"
MAX_HISTORY = 4

__all__ = ["sample", "initial_state", "noise_schedule", "VpDiscrete", "VpLinear", "Edm", "Flow", "FORMAT"]


# ----------------------------------------------------------------------------------------------- noise schedules


def _log_add_exp(a: float, b: float) -> float:
    m = max(a, b)
    if m == -math.inf:
        return m
    return m + math.log1p(math.exp(-abs(a - b)))


class NoiseSchedule:
    """alpha(t), sigma(t) and lambda(t) = log(alpha/sigma) of one time convention."""

    kind = ""
    breakpoints: Sequence[float] = ()

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
        params.pop("sigma_min", None), params.pop("sigma_max", None), params.pop("sigma_data", None)
        return Edm()
    if kind == "flow":
        return Flow()
    raise ValueError(f"unknown schedule kind '{kind}'; expected vp-discrete, vp-linear, edm or flow")


# ------------------------------------------------------------------------------------------------ schedule data


@dataclass(frozen=True)
class Step:
    method: str = "multistep"
    order: int = 1
    prediction: str = "data"
    derivative: str = "dpm-solver"
    linear_c: float = 0.0
    corrector: str = "none"
    time_shift: float = 0.0
    compensation: float = 1.0
    model: str | None = None


_STEP_FIELDS = {"method", "order", "prediction", "derivative", "corrector", "time_shift", "compensation", "model"}
_OPTION_FIELDS = {"denoise_to_zero", "afs", "momentum", "clip_order", "time_shift_window"}


def _read(schedule) -> tuple[list[float], list[Step], dict]:
    if isinstance(schedule, (str, bytes)):
        schedule = json.loads(schedule)
    if schedule.get("format") != FORMAT:
        raise ValueError(f"format: expected \"{FORMAT}\", got {schedule.get('format')!r}")
    ts = [float(t) for t in schedule["timesteps"]]
    steps = []
    for i, raw in enumerate(schedule["steps"]):
        unknown = set(raw) - _STEP_FIELDS
        if unknown:
            raise ValueError(f"steps[{i}]: unknown field '{sorted(unknown)[0]}'")
        derivative = raw.get("derivative", "dpm-solver")
        linear_c = 0.0
        if derivative.startswith("linear(") and derivative.endswith(")"):
            linear_c = float(derivative[len("linear("):-1])
            derivative = "linear"
        steps.append(Step(raw.get("method", "multistep"), int(raw.get("order", 1)), raw.get("prediction", "data"), derivative,
                          linear_c, raw.get("corrector", "none"), float(raw.get("time_shift", 0.0)),
                          float(raw.get("compensation", 1.0)), raw.get("model")))
    options = dict(schedule.get("options") or {})
    unknown = set(options) - _OPTION_FIELDS
    if unknown:
        raise ValueError(f"options: unknown field '{sorted(unknown)[0]}'")
    if len(ts) != len(steps) + 1:
        raise ValueError(f"timesteps has {len(ts)} points but steps has {len(steps)} entries")
    return ts, steps, options


def _effective_order(ts, steps, options, i) -> int:
    step = steps[i]
    order = step.order
    ends_at_zero = ts[i + 1] == 0.0
    teleported = 1 if steps and steps[0].method == "teleport" else 0
    available = min(max(i + 1 - teleported, 0), MAX_HISTORY)
    if step.method == "multistep":
        if options.get("clip_order", False):
            order = min(order, available)
            if ends_at_zero:
                order = 1
        return order
    if step.method == "singlestep":
        return 1 if options.get("clip_order", False) and ends_at_zero else order
    if step.method in ("ipndm", "plms"):
        return min(order, available)
    return order


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


def _combine(weights, sources) -> np.ndarray:
    out = None
    for w, src in zip(weights, sources):
        if w == 0.0:
            continue
        out = w * src if out is None else out + w * src
    return np.zeros_like(sources[0]) if out is None else out


# ---------------------------------------------------------------------------------------------------- executor


class _Executor:
    def __init__(self, ns, denoise, models, statistics, ts, steps, options):
        self.ns, self.denoise, self.models, self.statistics = ns, denoise, models or {}, statistics
        self.ts, self.steps, self.options = ts, steps, options
        self.history: list[_Point] = []  # newest first
        self.momentum = None
        self.momentum_prediction = None

    # model calls ------------------------------------------------------------------------------------------------
    def evaluate(self, x, t, model):
        fn = self.denoise if model is None else self.models[model]
        return fn(x, t)

    def evaluation_time(self, index, state):
        t = self.ts[index]
        window = float(self.options.get("time_shift_window", 0.0))
        if window <= 0.0:
            return t + self.steps[index].time_shift if index < len(self.steps) else t
        batch = state.shape[0]
        flat = state.reshape(batch, -1)
        observed = float(np.mean(flat.var(axis=0))) if batch >= 2 else float(flat.var())
        data_variance = float(np.mean(self.statistics["variance"]))
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
        if isinstance(self.ns, VpDiscrete):
            return 1.0 / self.ns.train_steps, 1.0
        if isinstance(self.ns, VpLinear):
            return 1e-5, 1.0
        if isinstance(self.ns, Flow):
            return 1e-4, 1.0 - 1e-4
        return 0.002, 80.0

    def push(self, t, x0, eps):
        self.history.insert(0, _Point(t, self.ns.lam(t), x0, eps))
        del self.history[MAX_HISTORY:]

    # the loop (Sampler.Run) ---------------------------------------------------------------------------------------
    def run(self, x):
        ts, steps, options = self.ts, self.steps, self.options
        for i, step in enumerate(steps):
            s, t = ts[i], ts[i + 1]
            last = i == len(steps) - 1
            if step.method == "teleport":
                x = self.teleport(x, s, t)
                continue
            if not (self.history and self.history[0].t == s):
                if i == 0 and options.get("afs", "none") != "none":
                    x0, eps = self.analytic_anchor(options["afs"], x, s)
                else:
                    x0, eps = self.evaluate(x, self.evaluation_time(i, x), step.model)
                self.push(s, x0, eps)
            order = _effective_order(ts, steps, options, i)
            predicted = self.predict(step, order, x, t, i)
            momentum = float(options.get("momentum", 0.0))
            if momentum > 0.0:
                predicted = self.apply_momentum(step, x, t, predicted, momentum)
            if step.corrector == "none":
                x = predicted
            elif step.corrector == "unic":
                x0, eps = self.evaluate(predicted, self.evaluation_time(i + 1, predicted), steps[i + 1].model)
                x = self.correct(step, order, x, t, x0, eps)
                self.push(t, x0, eps)
            elif step.corrector == "implicit":
                when = t if last else self.evaluation_time(i + 1, predicted)
                x0, eps = self.evaluate(predicted, when, step.model if last else steps[i + 1].model)
                x = self.correct(step, order, x, t, x0, eps)
                if not last:
                    self.push(t, *self.evaluate(x, self.evaluation_time(i + 1, x), steps[i + 1].model))
            else:
                raise ValueError(f"step {i + 1}: unknown corrector '{step.corrector}'")
        if options.get("denoise_to_zero", False):
            x, _ = self.evaluate(x, ts[-1], steps[-1].model)
        return x

    def predict(self, step, order, x, t, index):
        m = step.method
        if m == "multistep" and step.derivative in ("unipc-bh1", "unipc-bh2"):
            return self.unipc_predict(step, order, x, t)
        if m == "multistep" and step.derivative == "deis":
            return self.deis_step(order, x, t)
        if m == "multistep":
            return self.multistep_predict(step, order, x, t)
        if m == "singlestep":
            return self.singlestep_predict(step, order, x, t)
        if m in ("euler", "ipndm", "plms"):
            return self.adams_bashforth_step(step, order, x, index, t)
        if m == "heun":
            return self.heun_step(step, x, t)
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
        m1 = _pick(self.evaluate(inner1, s1, step.model), data)
        if q == 2:
            c = 0.5 * term[0] / r1 if step.derivative == "dpm-solver" else linear * term[1] / r1
            return _combine([g.ratio, term[0] - c, c], [x, ms, m1])
        s2 = self.ns.inverse_lambda(g.lambda_s + r2 * g.h)
        g2 = _Geometry(self.ns, anchor.t, anchor.lam, s2, data)
        term2 = g2.term_weights(2)
        k2 = term2[1] * r2 / r1
        inner2 = _combine([g2.ratio, term2[0] - k2, k2], [x, ms, m1])
        m2 = _pick(self.evaluate(inner2, s2, step.model), data)
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
            _, eps1 = self.evaluate(inner, t, step.model)
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
        _, eps1 = self.evaluate(euler, t, step.model)
        return _combine([alpha_t / alpha_s, 0.5 * alpha_t * delta, 0.5 * alpha_t * delta], [x, anchor.eps, eps1])

    # schedule-wide options --------------------------------------------------------------------------------------------
    def analytic_anchor(self, afs, x, t):
        alpha, sigma = self.ns.alpha(t), self.ns.sigma(t)
        if afs == "mean-x0":
            x0 = np.broadcast_to(np.asarray(self._stat("mean")).reshape(x.shape[1:]), x.shape).astype(x.dtype)
        elif afs == "zero-x0":
            x0 = np.zeros_like(x)
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
        mean = np.asarray(self._stat("mean")).reshape(x.shape[1:])
        variance = np.asarray(self._stat("variance")).reshape(x.shape[1:])
        alpha_s, alpha_t = self.ns.alpha(s), self.ns.alpha(t)
        sb_s, sb_t = self.ns.ve_sigma(s), self.ns.ve_sigma(t)
        factor = np.sqrt((variance + sb_t * sb_t) / (variance + sb_s * sb_s))
        return alpha_t * (mean + factor * (x / alpha_s - mean))

    def _stat(self, name):
        if self.statistics is None or name not in self.statistics:
            raise ValueError(f"this schedule needs the data's {name} (pass statistics={{'mean': ..., 'variance': ...}})")
        return self.statistics[name]


def _pick(pair, data):
    return pair[0] if data else pair[1]


# -------------------------------------------------------------------------------------------------------- API


def _adapter(fn, ns: NoiseSchedule, prediction: str):
    """Wraps a model returning x0, eps, v or flow velocity into one returning (x0_hat, eps_hat) in float64."""

    def call(x, t):
        out = np.asarray(fn(x, t), dtype=np.float64)
        alpha, sigma = ns.alpha(t), ns.sigma(t)
        if prediction == "x0":
            x0 = out
            eps = np.zeros_like(x) if sigma == 0.0 else (x - alpha * x0) / sigma
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

    return call


def initial_state(schedule, noise: np.ndarray, noise_sched: NoiseSchedule | None = None) -> np.ndarray:
    """The start state for standard-normal noise: the noise for VP and flow models, sigma(t_T) * noise for EDM/VE."""
    ts, _, _ = _read(schedule)
    ns = noise_sched or _default_schedule(schedule)
    scale = ns.sigma(ts[0]) if isinstance(ns, Edm) else 1.0
    return scale * np.asarray(noise, dtype=np.float64)


def _default_schedule(schedule) -> NoiseSchedule:
    if isinstance(schedule, (str, bytes)):
        schedule = json.loads(schedule)
    return noise_schedule(schedule["time"])


def sample(schedule, denoiser_fn: Callable[[np.ndarray, float], np.ndarray], x_T: np.ndarray, noise: NoiseSchedule | None = None,
           prediction: str = "x0", statistics: Mapping[str, Sequence[float]] | None = None,
           models: Mapping[str, Callable[[np.ndarray, float], np.ndarray]] | None = None) -> np.ndarray:
    """Runs ``schedule`` (a dict, or its JSON text) from the state ``x_T`` at ``timesteps[0]`` down to ``timesteps[-1]``.

    ``denoiser_fn(x, t)`` gets the state ``x`` (shape of ``x_T``, float64) and the continuous time ``t`` in the
    schedule's convention (t for VP and flow, sigma for EDM) and returns the model's ``prediction``: ``x0`` (data),
    ``eps`` (noise), ``v`` or ``flow`` (velocity eps - x0). ``noise`` is the model's noise schedule (default: the
    schedule's ``time`` kind with default parameters, i.e. linear betas 1e-4..0.02 over 1000 steps for vp-discrete).
    ``statistics`` (``mean``, ``variance``) serve teleport, ``afs: mean-x0`` and ``time_shift_window``; ``models`` maps
    the variant names that steps name in ``model`` to their own functions. Returns the final state (float64).
    """
    ts, steps, options = _read(schedule)
    ns = noise or _default_schedule(schedule)
    wrapped = {name: _adapter(fn, ns, prediction) for name, fn in (models or {}).items()}
    executor = _Executor(ns, _adapter(denoiser_fn, ns, prediction), wrapped, statistics, ts, steps, options)
    return executor.run(np.array(x_T, dtype=np.float64, copy=True))


def _main(argv: Sequence[str]) -> int:
    """python schedule_search_sampler.py SCHEDULE.json GMM_PARAMS.json NOISE.npy OUT.npy: runs an analytic GMM model."""
    if len(argv) != 4:
        print("usage: schedule_search_sampler.py SCHEDULE.json GMM_PARAMS.json NOISE.npy OUT.npy")
        return 2
    schedule_path, params_path, noise_path, out_path = argv
    with open(schedule_path, encoding="utf-8") as f:
        schedule = json.load(f)
    with open(params_path, encoding="utf-8") as f:
        params = json.load(f)
    ns = _default_schedule(schedule)
    denoiser = gmm_denoiser(params, ns)
    x = initial_state(schedule, np.load(noise_path), ns)
    np.save(out_path, sample(schedule, denoiser, x, noise=ns))
    return 0


def gmm_denoiser(params: Mapping, ns: NoiseSchedule) -> Callable[[np.ndarray, float], np.ndarray]:
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


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
