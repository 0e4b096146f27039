"""The ComfyUI nodes: a SAMPLER and a SIGMAS node for SamplerCustom that run the schedule as the tool does."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fake_comfy
from conftest import relative_l2, torch_gmm_denoiser
from schedule_search.noise import _betas

# ComfyUI keeps its sigma table in float32, so the schedule's alphas carry float32 rounding (about 1e-7 relative).
COMFY_BOUND = 1e-5


@pytest.fixture(autouse=True)
def comfy():
    fake_comfy.install()


def comfy_model(tool_runs, name):
    ns = tool_runs.schedule(name).noise_schedule()
    _, denoiser_ve = torch_gmm_denoiser(tool_runs.params, ns)
    return fake_comfy.ModelWrap(denoiser_ve, torch.tensor(_betas("linear", 1e-4, 0.02, 1000), dtype=torch.float64))


def test_node_mappings_name_a_sampler_and_a_sigmas_node():
    from schedule_search.comfyui import NODE_CLASS_MAPPINGS

    assert {cls.RETURN_TYPES for cls in NODE_CLASS_MAPPINGS.values()} == {("SAMPLER",), ("SIGMAS",)}
    for cls in NODE_CLASS_MAPPINGS.values():
        assert callable(getattr(cls(), cls.FUNCTION))
        assert "schedule_file" in cls.INPUT_TYPES()["required"]


def test_sampler_custom_with_the_nodes_equals_the_tool(tool_runs):
    from schedule_search.comfyui import ScheduleSearchSampler, ScheduleSearchSigmas

    for name in tool_runs.names:
        path = str(tool_runs.folder / f"{name}.json")
        wrap = comfy_model(tool_runs, name)
        sampler, = ScheduleSearchSampler().get_sampler(path)
        sigmas, = ScheduleSearchSigmas().get_sigmas(path, fake_comfy.ModelPatcher(wrap))
        steps = []
        out = sampler.sample(wrap, sigmas, {}, lambda i, d, x, total: steps.append(i), torch.as_tensor(tool_runs.noise))
        schedule = tool_runs.schedule(name)
        assert len(steps) == schedule.nfe
        final = out.numpy() * schedule.noise_schedule().alpha(schedule.timesteps[-1])
        assert relative_l2(final, tool_runs.tool(name)) < COMFY_BOUND, name


def test_sampler_refuses_sigmas_of_another_schedule(tool_runs):
    from schedule_search.comfyui import ScheduleSearchSampler, ScheduleSearchSigmas

    wrap = comfy_model(tool_runs, "searched-afs")
    sampler, = ScheduleSearchSampler().get_sampler(str(tool_runs.folder / "searched-afs.json"))
    sigmas, = ScheduleSearchSigmas().get_sigmas(str(tool_runs.folder / "searched-momentum.json"), fake_comfy.ModelPatcher(wrap))
    with pytest.raises(ValueError, match="connect the Schedule Search Sigmas node for the same file, unsplit"):
        sampler.sample(wrap, sigmas[:4], {}, None, torch.as_tensor(tool_runs.noise))
