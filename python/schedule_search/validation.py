"""The checks the tool makes before it runs a schedule on a model (src/ScheduleSearch.Core/Schedules/ScheduleValidator,
Solvers/EvaluationPlan, and Sampler.RequireEms for DPM-Solver-v3 steps), with its messages."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .noise import NoiseSchedule

if TYPE_CHECKING:
    from .schedule import Schedule, Step

MAX_HISTORY = 4



def _available_history(schedule: Schedule, i: int) -> int:
    teleported = 1 if schedule.steps and schedule.steps[0].method == "teleport" else 0
    return min(max(i + 1 - teleported, 0), MAX_HISTORY)


def _effective_order(schedule: Schedule, i: int) -> int:
    step = schedule.steps[i]
    order = step.order
    ends_at_zero = schedule.timesteps[i + 1] == 0.0
    clip = schedule.options.clip_order
    if step.method == "multistep":
        if clip:
            order = min(order, _available_history(schedule, i))
            if ends_at_zero:
                order = 1
        return order
    if step.method == "singlestep":
        return 1 if clip and ends_at_zero else order
    if step.method in ("ipndm", "plms"):
        return min(order, _available_history(schedule, i))
    return order


def _f(x: float) -> str:
    return repr(float(x)) if not float(x).is_integer() else str(int(x)) if abs(x) < 1e15 else repr(float(x))


def _problems(schedule: Schedule, noise: NoiseSchedule) -> list[str]:
    problems: list[str] = []
    ts, steps = schedule.timesteps, schedule.steps
    if schedule.time != noise.kind:
        problems.append(f"time: the schedule is written in \"{schedule.time}\" time but the model's schedule is \"{noise.kind}\"")
    if not steps:
        problems.append("steps: a schedule needs at least one step")
    if len(ts) != len(steps) + 1:
        problems.append(f"timesteps: has {len(ts)} points for {len(steps)} steps; expected {len(steps) + 1}")
        return problems
    for i, t in enumerate(ts):
        if not math.isfinite(t):
            problems.append(f"timesteps[{i}]: {_f(t)} is not a finite number")
        elif not noise.contains(t) or (t == 0.0 and i != len(ts) - 1):
            zero = " (or exactly 0 as the last point)" if noise.allows_zero_end else ""
            problems.append(f"timesteps[{i}]: t = {_f(t)} is outside the model's time range [{_f(noise.t_min)}, {_f(noise.t_max)}]{zero}")
        if i > 0 and not t < ts[i - 1]:
            problems.append(f"timesteps[{i}]: t = {_f(t)} is not below the previous point {_f(ts[i - 1])}; timesteps must be strictly descending")
    o = schedule.options
    if not 0.0 <= o.momentum < 1.0:
        problems.append(f"options.momentum: {_f(o.momentum)} is outside [0, 1) (0 = no momentum)")
    if not o.time_shift_window >= 0.0:
        problems.append(f"options.time_shift_window: {_f(o.time_shift_window)} must be 0 (off) or a positive window in t")
    if o.afs != "none" and steps and steps[0].method in ("teleport", "heun", "plms"):
        problems.append("options.afs: the analytical first step replaces the first step's model evaluation; step 1 is "
                        f"{steps[0].method}, which has none to replace (use multistep, singlestep or euler)")
    for i in range(len(steps)):
        _check_step(schedule, noise, i, problems)
    return problems


def _check_step(schedule: Schedule, noise: NoiseSchedule, i: int, problems: list[str]) -> None:
    step = schedule.steps[i]
    name = f"step {i + 1}"
    last = i == len(schedule.steps) - 1
    ends_at_zero = schedule.timesteps[i + 1] == 0.0
    order = _effective_order(schedule, i)
    available = _available_history(schedule, i)
    if step.model == "":
        problems.append(f"{name}: model must name one of the card's variants (or be left out for the primary model)")
    if step.time_shift != 0.0:
        shifted = schedule.timesteps[i] + step.time_shift
        if not (noise.t_min <= shifted <= noise.t_max):
            problems.append(f"{name}: time_shift {_f(step.time_shift)} evaluates the model at t = {_f(shifted)}, outside the model's "
                            f"time range [{_f(noise.t_min)}, {_f(noise.t_max)}]")
    if step.compensation != 1.0 and (step.corrector == "none" or not step.compensation > 0.0):
        problems.append(f"{name}: compensation {_f(step.compensation)} scales the UniC corrector's new point; it needs a corrector and a positive finite value")
    if step.method == "multistep":
        if not 1 <= step.order <= 4:
            problems.append(f"{name}: multistep order {step.order} is outside 1..4")
        elif order > available:
            problems.append(f"{name}: multistep order {order} needs {order} points of history but only {available} exist at this step "
                            "(lower the order or set options.clip_order)")
    elif step.method == "singlestep":
        if not 1 <= step.order <= 3:
            problems.append(f"{name}: singlestep order {step.order} is outside 1..3")
        if step.derivative in ("unipc-bh1", "unipc-bh2", "deis") and step.order > 1:
            problems.append(f"{name}: derivative {step.derivative} is a multistep rule; singlestep steps take taylor, dpm-solver or linear(c)")
    elif step.method == "teleport":
        if i != 0:
            problems.append(f"{name}: teleport jumps from the start point in closed form; it can only be step 1")
    if step.is_exponential_integrator:
        if step.derivative == "deis" and step.prediction != "noise" and step.order > 1:
            problems.append(f"{name}: derivative deis extrapolates eps in t and needs prediction \"noise\"")
        if ends_at_zero and step.prediction == "noise":
            problems.append(f"{name}: ends at t = 0 where sigma = 0; a noise-prediction step cannot reach it (use data prediction or euler)")
        elif ends_at_zero and order > 1:
            problems.append(f"{name}: ends at t = 0 where the step size in log-SNR is infinite; only order 1 can reach it "
                            "(lower the order or set options.clip_order)")
    if step.corrector == "unic" and last:
        problems.append(f"{name}: the unic corrector reuses the next step's evaluation and the last step has none; use \"none\" or \"implicit\"")
    _check_dpm_solver_v3(schedule, step, name, order, available, last, problems)
    if step.corrector != "none" and ends_at_zero:
        problems.append(f"{name}: a corrector needs a model evaluation at the step's end and the model cannot be evaluated at t = 0")
    if step.corrector != "none" and not step.is_exponential_integrator:
        problems.append(f"{name}: correctors apply to multistep and singlestep steps, not to {step.method}")


def _check_dpm_solver_v3(schedule: Schedule, step: Step, name: str, order: int, available: int, last: bool, problems: list[str]) -> None:
    """DPM-Solver-v3 steps: multistep only, with their own corrector, and nothing that changes their meaning."""
    if step.has_v3_corrector and step.compensation != 1.0:
        problems.append(f"{name}: compensation scales the UniC corrector's new point; a dpm-solver-v3 corrector takes none")
    if step.has_v3_corrector:
        c = order + (1 if step.corrector == "dpm-solver-v3-pseudo" else 0)
        if not step.is_dpm_solver_v3:
            problems.append(f"{name}: the {step.corrector} corrector follows a dpm-solver-v3 predictor (derivative dpm-solver-v3 or dpm-solver-v3-pseudo)")
        elif last:
            problems.append(f"{name}: the {step.corrector} corrector reuses the next step's evaluation and the last step has none; use \"none\"")
        elif c <= 1:
            problems.append(f"{name}: a dpm-solver-v3 corrector of order {c} changes nothing (the authors skip it); use \"none\" or \"dpm-solver-v3-pseudo\"")
        elif c - 1 > available:
            problems.append(f"{name}: a dpm-solver-v3 corrector of order {c} needs {c - 1} points of history before the new one but only {available} exist at this step")
    if not step.is_dpm_solver_v3:
        return
    if step.method != "multistep":
        problems.append(f"{name}: dpm-solver-v3 is a multistep rule; use method \"multistep\"")
    if step.prediction != "data":
        problems.append(f"{name}: dpm-solver-v3 uses its own parameterisation of the model; leave prediction at \"data\"")
    if step.corrector in ("unic", "implicit"):
        problems.append(f"{name}: a dpm-solver-v3 step takes the corrector none, dpm-solver-v3 or dpm-solver-v3-pseudo, not {step.corrector}")
    if schedule.options.momentum != 0.0:
        problems.append(f"{name}: options.momentum averages data or noise predictions, which a dpm-solver-v3 step does not use; set momentum 0")


def _ems_problems(schedule: Schedule, noise: NoiseSchedule, size: int | None) -> list[str]:
    """The tool's RequireEms: every point a v3 step reads (its start, end and history points) lies on the grid."""
    if not schedule.needs_ems:
        return []
    if schedule.ems is None and not schedule.options.ems_degenerated:
        return ["dpm-solver-v3 steps need the model's empirical model statistics (the \"ems\" file that schedule-search export "
                "--format json writes beside the schedule, or the card's ems.npz: Schedule.load(path, ems=...)), or options.ems_degenerated"]
    size = size or (schedule.ems.size if schedule.ems is not None else 1)
    integrals = schedule.ems_for(noise, size).integrals
    ts = schedule.timesteps
    for i, step in enumerate(schedule.steps):
        if not step.is_dpm_solver_v3:
            continue
        order = _effective_order(schedule, i)
        reach = max(order, order + (1 if step.corrector == "dpm-solver-v3-pseudo" else 0) - 1)
        for j in range(max(0, i + 1 - reach), i + 2):
            if integrals.locate(noise.lam(ts[j])) is None:
                return [f"step {i + 1}: dpm-solver-v3 reads its statistics at timesteps[{j}] = {ts[j]!r}, outside the statistics grid "
                        f"{schedule.ems_grid_text(noise)}"]
    return []
