"""DPM-Solver-v3's empirical model statistics and its update, exactly as the tool computes them
(src/ScheduleSearch.Core/Ems: EmsStatistics, EmsIntegrals; src/ScheduleSearch.Core/Solvers/Sampler.Ems.cs).

The statistics l, s, b (Zheng et al. 2023, eq. 9-10) are sampled per data element on a grid of K + 1 half log-SNR
values, increasing (index 0 = the noisiest point). The update reads the cumulative trapezoid integrals
L = int l, S = int s, I = int e^(L+S), B = int e^(-S) b, C = int e^(L+S) B at its points: at a grid point (within
1e-6 of an interval) the grid's own values, between grid points one more trapezoid piece with l, s, b interpolated
linearly in lambda. Everything here is float64 NumPy over the D elements of one sample; the executor applies the
per-element weights to the state in its own array type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["EmsStatistics", "load_ems", "locate", "SNAP_TOLERANCE", "DEFAULT_INTERVALS"]

SNAP_TOLERANCE = 1e-6
# A point this fraction of an interval beyond the grid's ends reads the end point. The tool's points lie within
# SNAP_TOLERANCE of the grid (it refuses the rest); a model reached through a float32 sigma table (k-diffusion,
# ComfyUI) puts t_T's lambda about 1e-5 of an interval outside, which is rounding, not another point.
END_TOLERANCE = 1e-3
DEFAULT_INTERVALS = 1200


class EmsError(ValueError):
    """Statistics that cannot be read or do not fit the schedule's points."""


class EmsStatistics:
    """l, s, b [K + 1, D] on the increasing lambda grid [K + 1]; ``degenerated`` is l = 1, s = b = 0 (DPM-Solver++)."""

    def __init__(self, lam, l, s, b, degenerated: bool = False):
        self.lam = np.asarray(lam, dtype=np.float64).reshape(-1)
        rows = self.lam.size
        if rows < 2:
            raise EmsError(f"lambda has {rows} points; a grid needs at least 2")
        if not np.all(np.isfinite(self.lam)) or not np.all(np.diff(self.lam) > 0):
            raise EmsError("lambda: the grid must be finite and strictly increasing (index 0 = the noisiest point)")
        self.l, self.s, self.b = (np.asarray(a, dtype=np.float64).reshape(rows, -1) for a in (l, s, b))
        self.size = self.l.shape[1]
        for name, array in (("s", self.s), ("b", self.b)):
            if array.shape != self.l.shape:
                raise EmsError(f"{name} has shape {array.shape}; expected {self.l.shape}")
        self.degenerated = degenerated
        self._integrals = None

    @property
    def intervals(self) -> int:
        return self.lam.size - 1

    @property
    def integrals(self) -> "EmsIntegrals":
        if self._integrals is None:
            self._integrals = EmsIntegrals(self)
        return self._integrals

    def degenerate(self) -> "EmsStatistics":
        """The same grid with l = 1, s = b = 0 (the tool's options.ems_degenerated on a card with statistics)."""
        return EmsStatistics(self.lam, np.ones_like(self.l), np.zeros_like(self.s), np.zeros_like(self.b), degenerated=True)

    @staticmethod
    def degenerated_default(ns, size: int, intervals: int = DEFAULT_INTERVALS) -> "EmsStatistics":
        """l = 1, s = b = 0 on the grid the authors' sampler builds for a model without statistics: equal lambda steps
        over the model's default time range, mapped to times and back (the tool's EmsStatistics.Degenerated)."""
        start, end = _default_range(ns)
        a, b = ns.lam(start), ns.lam(end)
        if not (math.isfinite(a) and math.isfinite(b)):
            raise EmsError(f"logsnr-uniform spacing needs a finite log-SNR at both ends (t = {start} .. {end})")
        grid = np.array([ns.lam(ns.inverse_lambda(v)) for v in _linspace(a, b, intervals + 1)])
        rows = grid.size
        return EmsStatistics(grid, np.ones((rows, size)), np.zeros((rows, size)), np.zeros((rows, size)), degenerated=True)


def load_ems(path: str, what: str | None = None) -> EmsStatistics:
    """A card's ``ems.npz``: ``lambda`` [K+1], ``l``, ``s``, ``b`` [K+1, ...sample_shape]; or the excerpt the tool writes
    beside a schedule (ems_excerpt.py), which holds only what that schedule's v3 updates read."""
    what = what or path
    with np.load(path) as npz:
        if "points" in npz.files:
            from .ems_excerpt import excerpt_from_npz

            return excerpt_from_npz(npz, f"{what}: {path}")
        if "lambda" not in npz.files or npz["lambda"].ndim != 1 or npz["lambda"].size < 2:
            raise EmsError(f"{what}: {path}: expected an array 'lambda' [K+1] with K >= 1")
        rows = npz["lambda"].size
        arrays = {}
        for name in ("l", "s", "b"):
            if name not in npz.files or npz[name].ndim < 1 or npz[name].shape[0] != rows:
                raise EmsError(f"{what}: {path}: expected an array '{name}' [{rows}, ...] (one row per lambda, the model's sample shape)")
            arrays[name] = npz[name]
        try:
            return EmsStatistics(npz["lambda"], arrays["l"], arrays["s"], arrays["b"])
        except EmsError as e:
            raise EmsError(f"{what}: {path}: {e}") from e


def _default_range(ns):
    """The tool's NoiseSchedule.DefaultTStart / DefaultTEnd."""
    if ns.kind == "flow":
        return 1.0 - 1e-3, 1e-3
    if ns.kind == "vp-linear":
        return ns.t_max, 1e-3
    if ns.kind == "edm":
        return ns.t_max, 0.0
    return ns.t_max, ns.t_min


def _linspace(start: float, end: float, count: int) -> list[float]:
    """torch.linspace as the tool's Grids.Linspace: the first half counts up from start, the second down from end."""
    step = (end - start) / (count - 1)
    half = count // 2
    return [start + i * step if i < half else end - (count - 1 - i) * step for i in range(count)]


@dataclass(frozen=True)
class GridPoint:
    """Where a lambda lies on the grid: at ``index`` when ``theta`` is 0 (``lam`` is then the grid's own value),
    otherwise ``theta`` of the way to the next point."""

    index: int
    theta: float
    lam: float

    @property
    def on_grid(self) -> bool:
        return self.theta == 0.0


def locate(grid: np.ndarray, lam: float) -> GridPoint | None:
    """Where ``lam`` lies on the increasing ``grid`` (the tool's EmsIntegrals.Locate): a grid point within
    SNAP_TOLERANCE of an interval, the ends within END_TOLERANCE, otherwise the interval and the fraction into it;
    None outside the grid."""
    k = grid.size - 1
    if not math.isfinite(lam):
        return None
    j = int(min(max(math.floor(k * (lam - grid[0]) / (grid[k] - grid[0])), 0), k - 1))
    while j > 0 and lam < grid[j]:
        j -= 1
    while j < k - 1 and lam > grid[j + 1]:
        j += 1
    theta = (lam - grid[j]) / (grid[j + 1] - grid[j])
    if theta < -SNAP_TOLERANCE or theta > 1.0 + SNAP_TOLERANCE:
        if j == 0 and theta >= -END_TOLERANCE:
            return GridPoint(0, 0.0, float(grid[0]))
        if j == k - 1 and theta <= 1.0 + END_TOLERANCE:
            return GridPoint(k, 0.0, float(grid[k]))
        return None
    if theta <= SNAP_TOLERANCE:
        return GridPoint(j, 0.0, float(grid[j]))
    if theta >= 1.0 - SNAP_TOLERANCE:
        return GridPoint(j + 1, 0.0, float(grid[j + 1]))
    return GridPoint(j, theta, lam)


class EmsIntegrals:
    """The cumulative integrals of the v3 update (the tool's EmsIntegrals), each 0 at index 0."""

    def __init__(self, stats: EmsStatistics):
        self.stats = stats
        lam = stats.lam
        self.cum_l = _cumulative_trapezoid(lam, stats.l, None)
        self.cum_s = _cumulative_trapezoid(lam, stats.s, None)
        ls = self.cum_l + self.cum_s
        self.cum_i = _cumulative_trapezoid(lam, None, ls)
        self.cum_b = _cumulative_trapezoid(lam, stats.b, -self.cum_s)
        self.cum_c = _cumulative_trapezoid(lam, self.cum_b, ls)

    def locate(self, lam: float) -> GridPoint | None:
        return locate(self.stats.lam, lam)

    def values_at(self, p: GridPoint):
        """(l, L, S, I, B, C) at ``p``, each [D]."""
        j = p.index
        if p.on_grid:
            return (self.stats.l[j], self.cum_l[j], self.cum_s[j], self.cum_i[j], self.cum_b[j], self.cum_c[j])
        theta, delta = p.theta, p.lam - self.stats.lam[j]
        sl, ss, sb = self.stats.l, self.stats.s, self.stats.b
        lj, sj, bj = sl[j], ss[j], sb[j]
        lv = lj + theta * (sl[j + 1] - lj)
        sv = sj + theta * (ss[j + 1] - sj)
        bv = bj + theta * (sb[j + 1] - bj)
        lc = self.cum_l[j] + 0.5 * delta * (lj + lv)
        sc = self.cum_s[j] + 0.5 * delta * (sj + sv)
        aj = self.cum_l[j] + self.cum_s[j]
        a = lc + sc
        bc = self.cum_b[j] + 0.5 * delta * (np.exp(-self.cum_s[j]) * bj + np.exp(-sc) * bv)
        ic = self.cum_i[j] + 0.5 * delta * (np.exp(aj) + np.exp(a))
        cc = self.cum_c[j] + 0.5 * delta * (np.exp(aj) * self.cum_b[j] + np.exp(a) * bc)
        return lv, lc, sc, ic, bc, cc

    def high_order_coefficients(self, s: GridPoint, t: GridPoint, sum_s, sum_t, max_k: int) -> np.ndarray:
        """E_k = int_s^t e^((L+S) - (L+S)(s)) (lambda - lambda_s)^k / k! d lambda, k = 1..max_k, [max_k, D]: the
        trapezoid rule over s, the grid points strictly between and t, max-shifted per element."""
        grid = self.stats.lam
        first = s.index + 1
        last = t.index - 1 if t.on_grid else t.index
        inner = np.arange(first, last + 1) if last >= first else np.arange(0)
        lambdas = np.concatenate(([s.lam], grid[inner], [t.lam]))
        a = np.concatenate(([np.zeros_like(sum_s)], (self.cum_l[inner] + self.cum_s[inner]) - sum_s, [sum_t - sum_s]))
        top = np.maximum(0.0, a.max(axis=0))
        weight = np.exp(a - top)  # [nodes, D]
        dl = lambdas - lambdas[0]
        powers = np.empty((lambdas.size, max_k))
        p = np.ones(lambdas.size)
        for k in range(1, max_k + 1):
            p = p * (dl / k)
            powers[:, k - 1] = p
        width = 0.5 * np.diff(lambdas)  # [nodes - 1]
        out = np.empty((max_k, self.stats.size))
        for k in range(max_k):
            terms = powers[:, k, None] * weight
            out[k] = np.cumsum(width[:, None] * (terms[1:] + terms[:-1]), axis=0)[-1] if lambdas.size > 1 else 0.0
        return out * np.exp(top)


def _cumulative_trapezoid(lam: np.ndarray, w, a) -> np.ndarray:
    """Cumulative trapezoid of w e^a per element (either None: w = 1, a = 0), on e^(a - max a) scaled back."""
    rows = lam.size
    shape = (w if w is not None else a).shape
    if a is None:
        top = np.zeros(shape[1])
        terms = np.asarray(w, dtype=np.float64)
    else:
        top = a.max(axis=0)
        e = np.exp(a - top)
        terms = e if w is None else w * e
    out = np.zeros(shape)
    if rows > 1:
        out[1:] = np.cumsum(0.5 * np.diff(lam)[:, None] * (terms[1:] + terms[:-1]), axis=0)
    if a is not None:
        out[1:] *= np.exp(top)
    return out


def derivative_weights(lams: list[float], pseudo: bool) -> np.ndarray:
    """Weights [n, n + 1] of g_0..g_n in g^(k) = k! c_k, k = 1..n: the polynomial fit sum_k c_k (mu_j - mu_0)^k =
    g_j - g_0 or, pseudo-order, Newton divided differences (the tool's DerivativeWeights)."""
    count = len(lams)
    n = count - 1
    weights = np.zeros((max(n, 0), count))
    if n == 0:
        return weights
    if pseudo:
        table = np.eye(count)
        factorial = 1.0
        for i in range(1, n + 1):
            factorial *= i
            nxt = np.zeros((count, count))
            for j in range(0, n - i + 1):
                nxt[j] = (table[j] - table[j + 1]) / (lams[j] - lams[i + j])
            table = nxt
            weights[i - 1] = factorial * table[0]
        return weights
    a = np.array([[(lams[row] - lams[0]) ** k for k in range(1, n + 1)] for row in range(1, n + 1)])
    for j in range(1, n + 1):
        rhs = np.zeros(n)
        rhs[j - 1] = 1.0
        c = np.linalg.solve(a, rhs)
        factorial = 1.0
        for k in range(1, n + 1):
            factorial *= k
            weights[k - 1, j] = factorial * c[k - 1]
            weights[k - 1, 0] -= factorial * c[k - 1]
    return weights


def update_weights(ems: EmsIntegrals, ns, points, t: float, pseudo: bool, outside):
    """The per-element weights of one v3 update from points[0] (time s) to t over the history points
    (each with ``t`` and ``lam``): x_t = cx x_s + k0 + sum_j (w_eps[j] eps_j + w_x0[j] x0_j), all [D] float64.
    ``outside(t)`` builds the error for a point off the grid."""
    count = len(points)
    n = count - 1
    s = points[0]
    at_s = ems.locate(s.lam) or _raise(outside(s.t))
    at_t = ems.locate(ns.lam(t)) or _raise(outside(t))
    ls, cum_ls, cum_ss, cum_is, cum_bs, cum_cs = ems.values_at(at_s)
    lt, cum_lt, cum_st, cum_it, cum_bt, cum_ct = ems.values_at(at_t)
    point_l, point_s, point_b = [ls], [cum_ss], [cum_bs]
    for p in points[1:]:
        at = ems.locate(p.lam) or _raise(outside(p.t))
        values = ems.values_at(at)
        point_l.append(values[0])
        point_s.append(values[2])
        point_b.append(values[4])
    weights = derivative_weights([p.lam for p in points], pseudo)
    coefficients = ems.high_order_coefficients(at_s, at_t, cum_ls + cum_ss, cum_lt + cum_st, n) if n > 0 else None
    alpha_s, alpha_t = ns.alpha(s.t), ns.alpha(t)
    ratio = [ns.sigma(p.t) / ns.alpha(p.t) for p in points]
    decay = np.exp(cum_ls - cum_lt)
    cx = alpha_t / alpha_s * decay
    d_i = cum_it - cum_is
    constant = alpha_t * np.exp(-cum_lt) * (cum_ct - cum_cs - cum_bs * d_i)
    exp_s = np.exp(cum_ss)
    total = -constant
    w_eps, w_x0 = [], []
    for j in range(count):
        # G_j: the total weight of g_j in x_t (with its minus sign taken out).
        gj = alpha_t * np.exp(-cum_lt - cum_ss) * d_i if j == 0 else np.zeros_like(decay)
        for k in range(n):
            gj = gj + alpha_t * decay * coefficients[k] * weights[k, j]
        a = np.exp(cum_ss - point_s[j])
        total = total + gj * exp_s * (point_b[j] - cum_bs)
        w_eps.append(-gj * a * ratio[j] * (1.0 - point_l[j]))
        w_x0.append(gj * a * point_l[j])
    return cx, total, w_eps, w_x0


def _raise(error):
    raise error
