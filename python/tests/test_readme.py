"""README's "Use a schedule in diffusers / k-diffusion / ComfyUI" snippets run as written, on gmm-64, and give the
tool's samples (diffusers: a pipeline stand-in with StableDiffusionPipeline's loop; ComfyUI: SamplerCustom's use of
the two nodes through the ComfyUI stand-in)."""

from __future__ import annotations

import re
import shutil
import types

import pytest
import torch

import fake_comfy
from conftest import ROOT, relative_l2, torch_gmm_denoiser
from test_comfyui import COMFY_BOUND, comfy_model
from test_executors import eps_unet, pipeline_loop


def snippet(target: str) -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Use a schedule in diffusers / k-diffusion / ComfyUI", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"\*\*" + re.escape(target) + r"\*\*.*?```python\n(.*?)```", section, re.S)
    assert match, f"README has no {target} snippet in its section"
    return match.group(1)


@pytest.fixture
def best(tool_runs, tmp_path, monkeypatch):
    """The searched schedule with an analytical first step (the quickstart winner's shape) as best.schedule.json."""
    shutil.copy(tool_runs.folder / "searched-afs.json", tmp_path / "best.schedule.json")
    shutil.copy(tool_runs.folder / "gmm-64.stats.npz", tmp_path / "gmm-64.stats.npz")
    monkeypatch.chdir(tmp_path)
    return "searched-afs"


class Pipeline:
    """Just what the snippet touches: .scheduler (with a DPMSolverMultistep-like config) and __call__ running the loop."""

    def __init__(self, params, noise):
        self.scheduler = types.SimpleNamespace(config={"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02,
                                                       "beta_schedule": "linear", "prediction_type": "epsilon"})
        self.params, self.noise = params, noise

    def __call__(self, prompt, num_inference_steps=50):
        self.scheduler.set_timesteps(num_inference_steps)
        out = pipeline_loop(self.scheduler, eps_unet(self.params, self.scheduler), torch.as_tensor(self.noise), guidance=True)
        return types.SimpleNamespace(images=out)


def test_diffusers_snippet(tool_runs, best):
    pipe = Pipeline(tool_runs.params, tool_runs.noise)
    scope = {"pipe": pipe, "prompt": "a photo"}
    exec(snippet("diffusers"), scope)
    assert relative_l2(scope["images"].numpy(), tool_runs.tool(best)) < tool_runs.bound(best)


def test_k_diffusion_snippet(tool_runs, best, monkeypatch):
    noise = torch.as_tensor(tool_runs.noise[:16])
    monkeypatch.setattr(torch, "randn", lambda *shape, **kw: noise.clone())
    schedule = tool_runs.schedule(best)
    _, model = torch_gmm_denoiser(tool_runs.params, schedule.noise_schedule())
    scope = {"model": model}
    exec(snippet("k-diffusion"), scope)
    final = scope["samples"].numpy() * schedule.noise_schedule().alpha(schedule.timesteps[-1])
    assert relative_l2(final, tool_runs.tool(best)[:16]) < tool_runs.bound(best)


def test_comfyui_snippet(tool_runs, best):
    fake_comfy.install()
    wrap = comfy_model(tool_runs, best)
    scope = {"model": fake_comfy.ModelPatcher(wrap)}
    exec(snippet("ComfyUI"), scope)
    out = scope["sampler"].sample(wrap, scope["sigmas"], {}, None, torch.as_tensor(tool_runs.noise))
    schedule = tool_runs.schedule(best)
    final = out.numpy() * schedule.noise_schedule().alpha(schedule.timesteps[-1])
    assert relative_l2(final, tool_runs.tool(best)) < COMFY_BOUND
