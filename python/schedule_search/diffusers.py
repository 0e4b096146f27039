"""A diffusers scheduler that runs a searched schedule exactly inside any pipeline loop.

    from schedule_search.diffusers import ScheduleSearchScheduler

    pipe.scheduler = ScheduleSearchScheduler.from_schedule("best.schedule.json", pipe.scheduler.config)
    image = pipe(prompt, num_inference_steps=pipe.scheduler.nfe).images[0]

The pipeline's loop (``scale_model_input`` -> model -> ``step(...).prev_sample``) makes one iteration per model call.
Steps that need several calls (singlestep, Heun, correctors) appear as several timesteps, as in diffusers' Heun
scheduler; ``prev_sample`` is then the state the next call needs and the step's end state is kept inside. A step with
no model call (the analytical first step) fits because ``scale_model_input`` hands the network the state after it.
Timesteps are floats (``N t - 1`` for discrete-time models, ``N t`` for flow models) in float64, since searched
times fall between integer steps.

It subclasses diffusers' ``SchedulerMixin`` and ``ConfigMixin`` when diffusers is installed, and a minimal stand-in
with the same protocol (``from_config``, ``config``) when it is not.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .executor import _Executor, model_call_times
from .noise import Flow, NoiseSchedule, VpDiscrete, _betas
from .reference import to_pair
from .schedule import Schedule

try:  # the real base classes when diffusers is installed
    from diffusers.configuration_utils import ConfigMixin, register_to_config
    from diffusers.schedulers.scheduling_utils import SchedulerMixin, SchedulerOutput

    HAVE_DIFFUSERS = True
except ImportError:  # a stand-in with the protocol pipelines use
    HAVE_DIFFUSERS = False

    class _FrozenConfig(dict):
        """A dict whose keys read as attributes (diffusers' FrozenDict)."""

        def __getattr__(self, name):
            try:
                return self[name]
            except KeyError as e:
                raise AttributeError(name) from e

    class ConfigMixin:  # type: ignore[no-redef]
        config_name = "scheduler_config.json"

        @classmethod
        def from_config(cls, config=None, **kwargs):
            accepted = inspect.signature(cls.__init__).parameters
            merged = {k: v for k, v in dict(config or {}).items() if k in accepted and not k.startswith("_")}
            merged.update(kwargs)
            return cls(**merged)

    def register_to_config(init):  # type: ignore[no-redef]
        @functools.wraps(init)
        def inner(self, *args, **kwargs):
            bound = inspect.signature(init).bind(self, *args, **kwargs)
            bound.apply_defaults()
            self.config = _FrozenConfig({k: v for k, v in bound.arguments.items() if k != "self"})
            init(self, *args, **kwargs)

        return inner

    class SchedulerMixin:  # type: ignore[no-redef]
        _compatibles: list = []

    @dataclass
    class SchedulerOutput:  # type: ignore[no-redef]
        prev_sample: torch.Tensor


_PREDICTIONS = {"epsilon": "eps", "v_prediction": "v", "sample": "x0", "flow_prediction": "flow"}

__all__ = ["ScheduleSearchScheduler", "HAVE_DIFFUSERS"]


class ScheduleSearchScheduler(SchedulerMixin, ConfigMixin):
    """Runs a ``schedule-search/schedule@1`` schedule exactly, one pipeline iteration per model call."""

    order = 1
    _compatibles: list = []

    @register_to_config
    def __init__(self, num_train_timesteps: int = 1000, beta_start: float = 0.0001, beta_end: float = 0.02,
                 beta_schedule: str = "linear", trained_betas: list[float] | None = None, prediction_type: str = "epsilon",
                 schedule_json: str | None = None, statistics_mean: list[float] | None = None,
                 statistics_variance: list[float] | None = None, ems_file: str | None = None):
        if schedule_json is None:
            raise ValueError("ScheduleSearchScheduler needs a schedule: use ScheduleSearchScheduler.from_schedule(path, pipe.scheduler.config)")
        stats = None
        if statistics_mean is not None and statistics_variance is not None:
            stats = {"mean": np.asarray(statistics_mean, dtype=np.float64), "variance": np.asarray(statistics_variance, dtype=np.float64)}
        self.schedule = Schedule.parse(schedule_json, source="schedule", statistics=stats, ems=ems_file)
        if prediction_type not in _PREDICTIONS:
            raise ValueError(f"prediction_type '{prediction_type}' is not one of {', '.join(_PREDICTIONS)}")
        self.prediction = _PREDICTIONS[prediction_type]
        self.noise = self._noise_schedule(num_train_timesteps, beta_start, beta_end, beta_schedule, trained_betas)
        if self.schedule.time == "flow" and prediction_type == "epsilon":
            self.prediction = "flow"  # flow-matching configs carry no prediction_type; their networks predict velocity
        self.schedule.validate(self.noise)
        if any(s.model is not None for s in self.schedule.steps):
            raise ValueError("the schedule's steps name model variants; a diffusers pipeline has one network (run it with "
                             "schedule_search.torch_executor.sample and a models= mapping instead)")
        try:
            self._calls = model_call_times(self.schedule, self.noise)
        except ValueError as e:
            raise ValueError(f"this schedule cannot run in a pipeline loop: {e}") from e
        self.init_noise_sigma = 1.0 if self.noise.kind != "edm" else self.noise.sigma(self.schedule.timesteps[0])
        self.num_inference_steps: int | None = None
        self.timesteps = torch.tensor([self._timestep(t) for t, _ in self._calls], dtype=torch.float64)
        self._reset()

    @classmethod
    def from_schedule(cls, path, config: Any = None, statistics: dict | None = None, ems: str | None = None,
                      **kwargs) -> "ScheduleSearchScheduler":
        """The scheduler for the schedule file at ``path`` (the statistics files it names load by themselves) with a
        pipeline's config; ``ems`` names DPM-Solver-v3's statistics file for a schedule that names none
        (one written by hand or printed to stdout)."""
        schedule = Schedule.load(path, statistics=statistics, ems=ems)
        document = json.loads(open(path, encoding="utf-8").read())
        document.pop("statistics", None)
        named = document.pop("ems", None)
        extra: dict[str, Any] = {"schedule_json": json.dumps(document)}
        if ems is not None or named is not None:
            # The config keeps the statistics' path (their arrays are as large as 1201 samples), made absolute.
            where = os.fspath(ems) if ems is not None else os.path.join(os.path.dirname(os.path.abspath(path)), named)
            extra["ems_file"] = os.path.abspath(where)
        if schedule.statistics is not None:
            extra["statistics_mean"] = [float(v) for v in np.asarray(schedule.statistics["mean"]).reshape(-1)]
            extra["statistics_variance"] = [float(v) for v in np.asarray(schedule.statistics["variance"]).reshape(-1)]
        extra.update(kwargs)
        return cls.from_config(config or {}, **extra)

    # diffusers' scheduler protocol -----------------------------------------------------------------------------------
    @property
    def nfe(self) -> int:
        """Model calls the schedule makes: the pipeline's num_inference_steps."""
        return len(self._calls)

    def __len__(self) -> int:
        return self.config.num_train_timesteps

    def set_timesteps(self, num_inference_steps: int | None = None, device: str | torch.device | None = None):
        """Sets ``timesteps`` (one per model call). A pipeline's step count must equal the schedule's model calls."""
        if num_inference_steps is not None and int(num_inference_steps) != self.nfe:
            raise ValueError(f"this schedule makes {self.nfe} model calls; call the pipeline with num_inference_steps={self.nfe} "
                             f"(it asked for {num_inference_steps}); a searched schedule runs at the NFE it was searched for")
        self.num_inference_steps = self.nfe
        dtype = torch.float32 if device is not None and torch.device(device).type == "mps" else torch.float64
        self.timesteps = torch.tensor([self._timestep(t) for t, _ in self._calls], dtype=dtype, device=device)
        self._reset()

    def scale_model_input(self, sample: torch.Tensor, timestep=None) -> torch.Tensor:
        """The network's input. Before the first call it is the state after any analytical first step (row by row, so a
        guidance batch ``cat([latents] * 2)`` works); afterwards it is the ``prev_sample`` the last step returned."""
        if self._generator is None and self._index == 0:
            first = _Executor(self.noise, self.schedule).run(sample)
            request = next(first)
            first.close()
            self._scaled_first = True
            return request.x.to(sample.dtype)
        return sample

    def step(self, model_output: torch.Tensor, timestep, sample: torch.Tensor, generator=None, return_dict: bool = True):
        """Feeds the model's output for the current call; ``prev_sample`` is the next call's input (the final state at the end)."""
        if self._generator is None:
            if self._index >= self.nfe:
                raise ValueError("the schedule has already run to its end; call set_timesteps again to sample anew")
            self._generator = _Executor(self.noise, self.schedule).run(sample)
            self._pending = next(self._generator)
            if self._pending.x is not sample and not self._scaled_first:
                raise ValueError("this schedule's first model call sees the state after its analytical first step: call "
                                 "scheduler.scale_model_input(sample, t) before the network, as diffusers pipelines do")
        expected = self._timestep(self._pending.t)
        given = float(timestep.reshape(-1)[0]) if isinstance(timestep, torch.Tensor) else float(timestep)
        if abs(given - expected) > 1e-3 * max(1.0, abs(expected)):
            raise ValueError(f"step got timestep {given} but the schedule's next model call is at {expected} "
                             f"(call {self._index + 1} of {self.nfe}); iterate over scheduler.timesteps")
        request = self._pending
        x0, eps = to_pair(model_output.to(request.x.dtype), request.x, request.t, self.noise, self.prediction)
        self._index += 1
        try:
            self._pending = self._generator.send((x0, eps))
            prev = self._pending.x
        except StopIteration as done:
            prev = done.value
            self._generator, self._pending = None, None
        prev = prev.to(sample.dtype)
        if not return_dict:
            return (prev,)
        return SchedulerOutput(prev_sample=prev)

    def add_noise(self, original_samples: torch.Tensor, noise: torch.Tensor, timesteps: torch.Tensor) -> torch.Tensor:
        """x_t = alpha(t) x_0 + sigma(t) noise at the (float) timesteps, one per row."""
        steps = timesteps.reshape(-1).tolist() if isinstance(timesteps, torch.Tensor) else [float(timesteps)]
        times = [self._time(s) for s in steps]
        shape = (-1,) + (1,) * (original_samples.ndim - 1)
        alpha = torch.tensor([self.noise.alpha(t) for t in times], dtype=original_samples.dtype, device=original_samples.device).reshape(shape)
        sigma = torch.tensor([self.noise.sigma(t) for t in times], dtype=original_samples.dtype, device=original_samples.device).reshape(shape)
        return alpha * original_samples + sigma * noise

    # conventions -----------------------------------------------------------------------------------------------------
    def _reset(self):
        self._generator = None
        self._pending = None
        self._index = 0
        self._scaled_first = False

    def _timestep(self, t: float) -> float:
        if isinstance(self.noise, VpDiscrete):
            return self.noise.timestep(t)
        return t * self.config.num_train_timesteps

    def _time(self, timestep: float) -> float:
        if isinstance(self.noise, VpDiscrete):
            return self.noise.time_of_timestep(timestep)
        return float(timestep) / self.config.num_train_timesteps

    def _noise_schedule(self, steps, beta_start, beta_end, beta_schedule, trained_betas) -> NoiseSchedule:
        if self.schedule.time == "flow":
            return Flow()
        if self.schedule.time != "vp-discrete":
            raise ValueError(f"the schedule is in \"{self.schedule.time}\" time; diffusers pipelines run discrete-time VP "
                             "(vp-discrete) or flow models")
        if trained_betas is not None:
            return VpDiscrete([float(b) for b in np.asarray(trained_betas).reshape(-1)])
        return VpDiscrete(_betas(beta_schedule, beta_start, beta_end, steps))
