"""``schedule-search/schedule@1`` files: strict reading with the tool's own error messages
(src/ScheduleSearch.Core/Schedules/ScheduleJson); the checks before a run are in ``validation``.

A schedule that needs the data's statistics (``options.afs: "mean-x0"``, a ``teleport`` step, ``time_shift_window``)
names them in ``statistics``: an ``.npz`` file (arrays ``mean`` and ``variance``) that ``schedule-search export``
writes beside the schedule. A schedule with DPM-Solver-v3 steps names the model's empirical statistics in ``ems``: an
``.npz`` written beside it the same way, holding what its v3 updates read of the card's statistics (ems_excerpt.py),
or the card's own ``ems`` file (arrays ``lambda``, ``l``, ``s``, ``b``).
``Schedule.load`` reads both by itself.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from .ems import EmsStatistics, load_ems
from .noise import NoiseSchedule, noise_schedule
from .validation import MAX_HISTORY, _effective_order, _ems_problems, _problems

FORMAT = "schedule-search/schedule@1"

_TOP_FIELDS = ["format", "name", "nfe", "time", "timesteps", "steps", "options", "statistics", "ems", "provenance"]
_STEP_FIELDS = ["method", "order", "prediction", "derivative", "corrector", "time_shift", "compensation", "model"]
_OPTION_FIELDS = ["denoise_to_zero", "afs", "momentum", "clip_order", "time_shift_window", "ems_degenerated"]
METHODS = ["multistep", "singlestep", "euler", "heun", "ipndm", "plms", "teleport"]
PREDICTIONS = ["data", "noise"]
V3_DERIVATIVES = ("dpm-solver-v3", "dpm-solver-v3-pseudo")
V3_CORRECTORS = ("dpm-solver-v3", "dpm-solver-v3-pseudo")
DERIVATIVES = ["taylor", "dpm-solver", "unipc-bh1", "unipc-bh2", "deis", *V3_DERIVATIVES]
CORRECTORS = ["none", "unic", "implicit", *V3_CORRECTORS]
FIRST_STEPS = ["none", "zero-x0", "mean-x0"]


class ScheduleError(ValueError):
    """A schedule file that cannot be read or cannot run; the message names the file and the field, as the tool's."""


@dataclass(frozen=True)
class Step:
    """One step's solver choice (FORMATS.md); the defaults are DDIM's."""

    method: str = "multistep"
    order: int = 1
    prediction: str = "data"
    derivative: str = "dpm-solver"
    linear_c: float = 0.0
    corrector: str = "none"
    time_shift: float = 0.0
    compensation: float = 1.0
    model: str | None = None

    @property
    def is_exponential_integrator(self) -> bool:
        return self.method in ("multistep", "singlestep")

    @property
    def is_dpm_solver_v3(self) -> bool:
        return self.derivative in V3_DERIVATIVES

    @property
    def has_v3_corrector(self) -> bool:
        return self.corrector in V3_CORRECTORS


@dataclass(frozen=True)
class Options:
    """Schedule-wide options."""

    denoise_to_zero: bool = False
    afs: str = "none"
    momentum: float = 0.0
    clip_order: bool = False
    time_shift_window: float = 0.0
    ems_degenerated: bool = False


@dataclass
class Schedule:
    """A searched schedule: timesteps (descending, in the ``time`` convention) and one solver choice per step."""

    name: str
    time: str
    timesteps: list[float]
    steps: list[Step]
    options: Options = field(default_factory=Options)
    statistics: Mapping[str, np.ndarray] | None = None
    statistics_file: str | None = None
    provenance: Any = None
    source: str = "schedule"
    ems: EmsStatistics | None = None
    ems_file: str | None = None
    _degenerated: EmsStatistics | None = field(default=None, repr=False)

    # reading --------------------------------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike, statistics: Mapping[str, Any] | None = None,
             ems: "EmsStatistics | str | os.PathLike | None" = None) -> "Schedule":
        """Reads a schedule file; the statistics it names (.npz files beside it) are loaded too unless given."""
        path = os.fspath(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return cls.parse(text, source=path, base_dir=os.path.dirname(os.path.abspath(path)), statistics=statistics, ems=ems)

    @classmethod
    def parse(cls, document: str | bytes | Mapping, source: str = "schedule", base_dir: str | None = None,
              statistics: Mapping[str, Any] | None = None, ems: "EmsStatistics | str | os.PathLike | None" = None) -> "Schedule":
        """Parses JSON text (or an already-parsed dict) with the tool's strict rules and messages; ``ems`` (statistics
        or the path of an ems .npz) overrides the file the schedule names in ``ems``."""
        if isinstance(document, (str, bytes)):
            try:
                document = json.loads(document)
            except json.JSONDecodeError as e:
                raise ScheduleError(f"{source}: not valid JSON ({e})") from e
        reader = _Reader(source)
        root = reader.object(document, "", _TOP_FIELDS)
        fmt = reader.string(reader.required(root, "format", ""), "format")
        if fmt != FORMAT:
            raise reader.error("format", f"expected \"{FORMAT}\", got \"{fmt}\"")
        name = reader.string(root["name"], "name") if "name" in root else "unnamed"
        time = reader.string(reader.required(root, "time", ""), "time")
        timesteps_raw = reader.array(reader.required(root, "timesteps", ""), "timesteps", "expected an array of numbers")
        timesteps = [reader.number(t, f"timesteps[{i}]") for i, t in enumerate(timesteps_raw)]
        steps_raw = reader.array(reader.required(root, "steps", ""), "steps", "expected an array of step objects")
        steps = [_read_step(reader, raw, f"steps[{i}]") for i, raw in enumerate(steps_raw)]
        options = _read_options(reader, root["options"]) if "options" in root else Options()
        stats_file = reader.string(root["statistics"], "statistics") if "statistics" in root else None
        ems_file = reader.string(root["ems"], "ems") if "ems" in root else None
        schedule = cls(name, time, timesteps, steps, options, None, stats_file, root.get("provenance"), source, ems_file=ems_file)
        if len(timesteps) != len(steps) + 1:
            raise reader.error("timesteps", f"has {len(timesteps)} points but steps has {len(steps)} entries; expected {len(steps) + 1} points")
        if "nfe" in root:
            nfe = reader.integer(root["nfe"], "nfe")
            try:
                actual = schedule.nfe
            except (IndexError, ValueError, ZeroDivisionError, np.linalg.LinAlgError):
                actual = nfe  # a schedule too broken to dry-run; validate() names its problems
            if nfe != actual:
                raise reader.error("nfe", f"says {nfe} but the steps cost {actual} model evaluations")
        if statistics is not None:
            schedule.statistics = {k: np.asarray(v, dtype=np.float64) for k, v in statistics.items()}
        elif stats_file is not None:
            where = stats_file if base_dir is None or os.path.isabs(stats_file) else os.path.join(base_dir, stats_file)
            if not os.path.exists(where):
                raise reader.error("statistics", f"names \"{stats_file}\" but {where} does not exist (export writes it beside the schedule)")
            schedule.statistics = load_statistics(where, f"{source}: statistics")
        if isinstance(ems, EmsStatistics):
            schedule.ems = ems
        elif ems is not None:
            schedule.ems = load_ems(os.fspath(ems), f"{source}: ems")
        elif ems_file is not None:
            where = ems_file if base_dir is None or os.path.isabs(ems_file) else os.path.join(base_dir, ems_file)
            if not os.path.exists(where):
                raise reader.error("ems", f"names \"{ems_file}\" but {where} does not exist (export writes it beside the schedule)")
            schedule.ems = load_ems(where, f"{source}: ems")
        return schedule

    @staticmethod
    def of(schedule: "Schedule | str | bytes | Mapping") -> "Schedule":
        """A Schedule from a Schedule, a dict, JSON text or a file path."""
        if isinstance(schedule, Schedule):
            return schedule
        if isinstance(schedule, (str, os.PathLike)) and not str(schedule).lstrip().startswith("{"):
            return Schedule.load(schedule)
        return Schedule.parse(schedule)

    # what it costs and needs --------------------------------------------------------------------------------------------
    @property
    def nfe(self) -> int:
        """Model evaluations the schedule spends (the tool's EvaluationPlan.Count), counted by a dry run."""
        from .executor import model_call_times

        return len(model_call_times(self))

    @property
    def needs_statistics(self) -> bool:
        return (self.options.afs == "mean-x0" or self.options.time_shift_window > 0.0
                or any(s.method == "teleport" for s in self.steps))

    @property
    def needs_ems(self) -> bool:
        """Whether DPM-Solver-v3 steps read the model's empirical statistics."""
        return any(s.is_dpm_solver_v3 or s.has_v3_corrector for s in self.steps)

    def ems_for(self, noise: NoiseSchedule, size: int) -> EmsStatistics:
        """The statistics the v3 steps read (``size`` values per sample): the named ones, or with
        options.ems_degenerated their degenerated form (l = 1, s = b = 0 on their grid, or on the default 1200-interval
        grid when none are named): the tool's EmsFor."""
        if not self.options.ems_degenerated:
            if self.ems is None:
                raise ScheduleError(f"{self.source}: dpm-solver-v3 steps need the model's empirical model statistics (the \"ems\" "
                                    "file that schedule-search export --format json and schedule preset --out write beside the "
                                    "schedule, or the card's ems.npz: Schedule.load(path, ems=...)), or options.ems_degenerated")
            return self.ems
        if self._degenerated is None or self._degenerated.size != size:
            self._degenerated = self.ems.degenerate() if self.ems is not None else EmsStatistics.degenerated_default(noise, size)
        return self._degenerated

    def ems_grid_text(self, noise: NoiseSchedule) -> str:
        """The statistics grid as the tool's messages give it: "t in [t(lambda_K), t(lambda_0)]"."""
        stats = self.ems if self.ems is not None else self._degenerated
        if stats is None:
            return "(none)"
        text = f"t in [{noise.inverse_lambda(float(stats.lam[-1])):.6g}, {noise.inverse_lambda(float(stats.lam[0])):.6g}]"
        if hasattr(stats, "times_text"):  # an excerpt (ems_excerpt.py) holds the times of the schedule it was written for
            text += f" (the excerpt it names holds only t = {stats.times_text(noise)}: pass the card's ems.npz for other times)"
        return text

    def noise_schedule(self, **params) -> NoiseSchedule:
        """The noise schedule of the ``time`` kind with the given (or default) parameters."""
        return noise_schedule(self.time, **params)

    def validate(self, noise: NoiseSchedule) -> None:
        """Raises ScheduleError listing every reason the schedule cannot run on a model with ``noise`` (the tool's check)."""
        problems = self.problems(noise) or _ems_problems(self, noise, None)
        if problems:
            raise ScheduleError(f"{self.source} cannot run: " + "; ".join(problems))
        if self.needs_statistics and self.statistics is None:
            raise ScheduleError(f"{self.source}: this schedule needs the data's mean and variance (options.afs mean-x0, teleport or "
                                "time_shift_window); export it with schedule-search export --format json, which writes them "
                                "beside it, or pass statistics={'mean': ..., 'variance': ...}")

    def problems(self, noise: NoiseSchedule) -> list[str]:
        return _problems(self, noise)

    def effective_order(self, i: int) -> int:
        return _effective_order(self, i)


# ---------------------------------------------------------------------------------------------------------- reading


def load_statistics(path: str, what: str | None = None) -> dict[str, np.ndarray]:
    """``mean`` and ``variance`` from an .npz (a ``covariance`` gives its diagonal, as the tool reads model cards)."""
    what = what or path
    with np.load(path) as npz:
        if "mean" not in npz.files:
            raise ScheduleError(f"{what}: {path} has no array 'mean'")
        mean = np.asarray(npz["mean"], dtype=np.float64).reshape(-1)
        if "covariance" in npz.files:
            variance = np.diag(np.asarray(npz["covariance"], dtype=np.float64).reshape(mean.size, mean.size)).copy()
        elif "variance" in npz.files:
            variance = np.asarray(npz["variance"], dtype=np.float64).reshape(-1)
        else:
            raise ScheduleError(f"{what}: {path} has neither 'covariance' nor 'variance'")
    return {"mean": mean, "variance": variance}


class _Reader:
    """The tool's ScheduleJsonDialect: "<source>: <path>: <reason>"; a null is a wrong type, not an absent field."""

    def __init__(self, source: str):
        self.source = source

    def error(self, path: str, reason: str) -> ScheduleError:
        return ScheduleError(f"{self.source}: {path}: {reason}")

    def object(self, value, path: str, known: list[str]) -> Mapping:
        if not isinstance(value, Mapping):
            reason = "expected a JSON object" if path == "" else "expected a step object" if path.startswith("steps[") else "expected an object"
            raise self.error(path or "(root)", reason)
        for key in value:
            if key not in known:
                raise self.error(f"{path}.{key}" if path else key, f"unknown field; expected one of {', '.join(known)}")
        return value

    def required(self, obj: Mapping, name: str, path: str):
        if name not in obj:
            raise self.error(f"{path}.{name}" if path else name, "required field is missing")
        return obj[name]

    def array(self, value, path: str, reason: str) -> list:
        if not isinstance(value, list):
            raise self.error(path, reason)
        return value

    def string(self, value, path: str) -> str:
        if isinstance(value, str):
            return value
        raise self.error(path, f"expected a string, got {_describe(value)}")

    def integer(self, value, path: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and -2**31 <= value < 2**31:
            return value
        raise self.error(path, f"expected an integer, got {_describe(value)}")

    def number(self, value, path: str) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(float(value)):
            return float(value)
        raise self.error(path, f"expected a finite number, got {_describe(value)}")

    def boolean(self, value, path: str) -> bool:
        if isinstance(value, bool):
            return value
        raise self.error(path, f"expected true or false, got {_describe(value)}")


def _describe(value) -> str:
    if isinstance(value, str):
        return f"\"{value}\""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def _named(reader: _Reader, value, path: str, choices: list[str], what: str) -> str:
    name = reader.string(value, path)
    if name not in choices:
        raise reader.error(path, f"unknown {what} \"{name}\"; expected one of {', '.join(choices)}")
    return name


def _read_step(reader: _Reader, raw, path: str) -> Step:
    obj = reader.object(raw, path, _STEP_FIELDS)
    kw: dict[str, Any] = {}
    if "method" in obj:
        kw["method"] = _named(reader, obj["method"], path + ".method", METHODS, "method")
    if "order" in obj:
        kw["order"] = reader.integer(obj["order"], path + ".order")
    if "prediction" in obj:
        kw["prediction"] = _named(reader, obj["prediction"], path + ".prediction", PREDICTIONS, "prediction")
    if "derivative" in obj:
        name = reader.string(obj["derivative"], path + ".derivative")
        linear = _parse_linear(name)
        if linear is not None:
            kw["derivative"], kw["linear_c"] = "linear", linear
        elif name in DERIVATIVES:
            kw["derivative"] = name
        else:
            raise reader.error(path + ".derivative", f"unknown derivative \"{name}\"; expected one of {', '.join(DERIVATIVES)}, linear(c)")
    if "corrector" in obj:
        kw["corrector"] = _named(reader, obj["corrector"], path + ".corrector", CORRECTORS, "corrector")
    if "time_shift" in obj:
        kw["time_shift"] = reader.number(obj["time_shift"], path + ".time_shift")
    if "compensation" in obj:
        kw["compensation"] = reader.number(obj["compensation"], path + ".compensation")
    if obj.get("model") is not None:
        kw["model"] = reader.string(obj["model"], path + ".model")
    return Step(**kw)


def _parse_linear(name: str) -> float | None:
    if name.startswith("linear(") and name.endswith(")"):
        try:
            c = float(name[len("linear("):-1])
        except ValueError:
            return None
        return c if math.isfinite(c) else None
    return None


def _read_options(reader: _Reader, raw) -> Options:
    obj = reader.object(raw, "options", _OPTION_FIELDS)
    kw: dict[str, Any] = {}
    if "denoise_to_zero" in obj:
        kw["denoise_to_zero"] = reader.boolean(obj["denoise_to_zero"], "options.denoise_to_zero")
    if "afs" in obj:
        name = reader.string(obj["afs"], "options.afs")
        if name not in FIRST_STEPS:
            raise reader.error("options.afs", f"unknown value \"{name}\"; expected one of {', '.join(FIRST_STEPS)}")
        kw["afs"] = name
    if "momentum" in obj:
        kw["momentum"] = reader.number(obj["momentum"], "options.momentum")
    if "clip_order" in obj:
        kw["clip_order"] = reader.boolean(obj["clip_order"], "options.clip_order")
    if "time_shift_window" in obj:
        kw["time_shift_window"] = reader.number(obj["time_shift_window"], "options.time_shift_window")
    if "ems_degenerated" in obj:
        kw["ems_degenerated"] = reader.boolean(obj["ems_degenerated"], "options.ems_degenerated")
    return Options(**kw)
