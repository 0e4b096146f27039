"""The DPM-Solver-v3 statistics the tool writes beside a schedule (the tool's EmsExcerptFile): not l, s, b on the whole
grid (3 (K + 1) values per data element, 472 MB for a 4x64x64 latent) but what the schedule's v3 updates read of
them, computed by the tool from the card's grid: at each of the schedule's times the integrals' values (l, L, S, I,
B, C: ``EmsIntegrals.values_at``) and for each step's interval E_1..E_4 (``high_order_coefficients``). The update
(ems.update_weights) reads nothing else, so a run on the excerpt is the run on the whole grid.

A point is found as on the whole grid (the full ``lambda`` grid travels) and matched to a stored point within
END_TOLERANCE of an interval: a model reached through a float32 sigma table (k-diffusion, ComfyUI) puts the
schedule's times about 1e-5 of an interval away, which is rounding, and reads the stored point. A time the excerpt
does not hold (another schedule's) is refused with a message naming the card's file.
"""

from __future__ import annotations

import numpy as np

from .ems import END_TOLERANCE, EmsError, EmsStatistics, GridPoint, locate

__all__ = ["EmsExcerpt", "excerpt_from_npz"]

_ARRAYS = ("points_index", "points_theta", "points_lambda", "points", "intervals_points", "intervals")


class EmsExcerpt:
    """What a schedule's v3 updates read of a card's statistics; stands in for :class:`EmsStatistics`."""

    degenerated = False

    def __init__(self, lam, points_index, points_theta, points_lambda, points, intervals_points, intervals):
        self.lam = np.asarray(lam, dtype=np.float64).reshape(-1)
        if self.lam.size < 2 or not np.all(np.isfinite(self.lam)) or not np.all(np.diff(self.lam) > 0):
            raise EmsError("lambda: the grid must have at least 2 finite, strictly increasing points (index 0 = the noisiest point)")
        count = len(points_index)
        self.points = [GridPoint(int(i), float(theta), float(lam_p)) for i, theta, lam_p in zip(points_index, points_theta, points_lambda)]
        values = np.asarray(points, dtype=np.float64).reshape(count, 6, -1)
        self.size = values.shape[2]
        self._values = {p: tuple(values[r]) for r, p in enumerate(self.points)}
        coefficients = np.asarray(intervals, dtype=np.float64).reshape(len(intervals_points), -1, self.size)
        self._coefficients = {(self.points[int(s)], self.points[int(t)]): coefficients[q]
                              for q, (s, t) in enumerate(np.asarray(intervals_points).reshape(-1, 2))}
        self._position = np.array([p.index + p.theta for p in self.points])
        self.integrals = _ExcerptIntegrals(self)

    @property
    def intervals(self) -> int:
        return self.lam.size - 1

    def degenerate(self) -> EmsStatistics:
        """l = 1, s = b = 0 on the grid (options.ems_degenerated), which needs only the grid."""
        rows = self.lam.size
        return EmsStatistics(self.lam, np.ones((rows, self.size)), np.zeros((rows, self.size)), np.zeros((rows, self.size)), degenerated=True)

    def times_text(self, noise) -> str:
        return ", ".join(f"{noise.inverse_lambda(p.lam):.6g}" for p in self.points)


class _ExcerptIntegrals:
    """EmsIntegrals' interface over the stored points."""

    def __init__(self, excerpt: EmsExcerpt):
        self.stats = excerpt

    def locate(self, lam: float) -> GridPoint | None:
        """The stored point ``lam`` locates to (as on the whole grid, within END_TOLERANCE of an interval); None off the
        grid or where the excerpt holds no point."""
        excerpt = self.stats
        point = locate(excerpt.lam, lam)
        if point is None or not excerpt.points:
            return None
        gaps = np.abs(excerpt._position - (point.index + point.theta))
        nearest = int(np.argmin(gaps))
        return excerpt.points[nearest] if gaps[nearest] <= END_TOLERANCE else None

    def values_at(self, p: GridPoint):
        return self.stats._values[p]

    def high_order_coefficients(self, s: GridPoint, t: GridPoint, sum_s, sum_t, max_k: int) -> np.ndarray:
        stored = self.stats._coefficients.get((s, t))
        if stored is None or max_k > stored.shape[0]:
            raise EmsError(f"the statistics excerpt beside the schedule holds no interval from lambda {s.lam!r} to {t.lam!r}; "
                           "it was written for another schedule: pass the card's ems.npz (Schedule.load(path, ems=...))")
        return stored[:max_k]


def excerpt_from_npz(npz, what: str) -> EmsExcerpt:
    missing = [name for name in ("lambda",) + _ARRAYS if name not in npz.files]
    if missing:
        raise EmsError(f"{what}: a statistics excerpt needs the arrays {', '.join(('lambda',) + _ARRAYS)}; missing {', '.join(missing)}")
    try:
        return EmsExcerpt(npz["lambda"], *(npz[name] for name in _ARRAYS))
    except (EmsError, ValueError) as e:
        raise EmsError(f"{what}: {e}") from e
