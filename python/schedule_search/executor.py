"""The tool's executor (src/ScheduleSearch.Core/Solvers, SOLVERS.md) formula for formula, over any array type.

``_Executor.run`` is a generator: it yields a :class:`Request` (state, time, model variant) for every model call and
is sent the model's ``(x0_hat, eps_hat)``. The NumPy reference sampler, the torch executor, the diffusers scheduler,
the k-diffusion sampler and the ComfyUI node all drive this one generator, so they run the same arithmetic: every
coefficient is a Python float (float64) as in the tool, and the state keeps the caller's type, device and dtype.

This module holds the driver loop (Sampler.Run) and the dispatch of each step to its formula; the formulas live in
exponential_steps.py, ve_view_steps.py, ems_steps.py and schedule_options.py (mixed into the executor, as the tool's
Sampler is one partial class over several files), their shared arithmetic in arithmetic.py.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from .arithmetic import _Point
from .ems_steps import _EmsSteps
from .exponential_steps import _ExponentialSteps
from .noise import NoiseSchedule
from .schedule import MAX_HISTORY, V3_CORRECTORS, V3_DERIVATIVES, Schedule
from .schedule_options import _ScheduleOptions
from .ve_view_steps import _VeViewSteps

__all__ = ["Request", "run", "drive", "model_call_times"]


class Request:
    """One model call the executor needs: the state ``x`` (the schedule's own view) at time ``t`` of variant ``model``."""

    __slots__ = ("x", "t", "model")

    def __init__(self, x, t: float, model: str | None):
        self.x, self.t, self.model = x, t, model

    def __repr__(self) -> str:
        return f"Request(t={self.t!r}, model={self.model!r})"


class _Executor(_ExponentialSteps, _VeViewSteps, _EmsSteps, _ScheduleOptions):
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
