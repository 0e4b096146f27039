"""Exponential-integrator steps (src/ScheduleSearch.Core/Solvers: Sampler.Multistep, Sampler.Singlestep,
Sampler.UniPc): multistep DPM-Solver / DPM-Solver++ / Taylor / linear(c), singlestep DPM-Solver-2/3 and
DPM-Solver++(2S), UniP and UniC.
"""

from __future__ import annotations

import numpy as np

from .arithmetic import _combine, _expm1, _Geometry, _phi, _pick


class _ExponentialSteps:
    """Predictors and the UniC corrector in lambda, data or noise prediction.

    Mixed into the executor (executor._Executor), whose ``ns``, ``history`` (newest first) and ``evaluate`` (a
    generator yielding a model call) these use.
    """

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
