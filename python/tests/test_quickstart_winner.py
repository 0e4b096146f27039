"""Issue 19's "done when": a schedule the quickstart search found, exported as json, runs through
``ScheduleSearchScheduler`` in a diffusers pipeline loop and through ``sample_schedule`` to ``schedule-search sample``'s
samples within 1e-5 relative L2 in float64. The search is the quickstart spec reduced to run in seconds (64 + 64
samples, teacher NFE 100, 200 evaluations): its winner is a searched per-step schedule (it mixes DPM-Solver-v3 and
UniPC steps on this build), not a preset, and the export writes the statistics it needs beside it.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from conftest import CARD, EMS, ROOT, relative_l2, run_tool, torch_gmm_denoiser
from schedule_search import Schedule, gmm_denoiser, initial_state, sample
from schedule_search.diffusers import ScheduleSearchScheduler
from schedule_search.ems_excerpt import EmsExcerpt
from schedule_search.k_diffusion import sample_schedule, start_state
from test_executors import eps_unet, pipeline_loop

BOUND = 1e-5
PIPELINE_CONFIG = {"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear",
                   "prediction_type": "epsilon", "_class_name": "DPMSolverMultistepScheduler", "solver_order": 2}


@pytest.fixture(scope="module")
def winner(tool_runs, tmp_path_factory):
    """The reduced quickstart search's NFE-5 winner as ``best.schedule.json`` and the tool's samples of it."""
    folder = tmp_path_factory.mktemp("quickstart")
    spec = json.loads((ROOT / "searches" / "quickstart.search.json").read_text())
    spec["model"] = str(CARD)
    spec["metric"]["samples"] = spec["metric"]["heldout"]["samples"] = 64
    spec["metric"]["teacher"]["nfe"] = 100
    spec["strategy"]["population"] = 16
    spec["budget"] = {"evaluations": 200}
    (folder / "quickstart.search.json").write_text(json.dumps(spec))
    run_tool("run", "quickstart.search.json", "--db", "qs.db", cwd=folder)
    run_tool("export", "quickstart", "--nfe", "5", "--db", "qs.db", "--out", "best.schedule.json", "--no-target-scores", cwd=folder)
    run_tool("sample", "--model", str(CARD), "--schedule", "best.schedule.json", "--noise", str(tool_runs.folder / "noise.npy"),
             "--out", "tool.npy", cwd=folder)
    return folder / "best.schedule.json", np.load(folder / "tool.npy")


def test_the_winner_is_a_searched_schedule_not_a_baseline(winner):
    path, _ = winner
    document = json.loads(path.read_text())
    # export names a found schedule after the search; a baseline would keep its preset's name.
    assert document["name"] == "quickstart nfe 5 #1", document["name"]
    steps = Schedule.load(path).steps
    assert len({(s.method, s.order, s.prediction, s.derivative, s.corrector) for s in steps}) > 2


def test_the_winners_statistics_excerpt_runs_as_the_cards_whole_grid(tool_runs, winner):
    """The export writes only what the winner's v3 updates read (on this build four of its times lie between grid
    points, so the excerpt holds interpolated values); the run on it equals the run on the card's whole grid."""
    path, _ = winner
    excerpt, whole = Schedule.load(path), Schedule.load(path, ems=EMS)
    assert isinstance(excerpt.ems, EmsExcerpt)
    ns = excerpt.noise_schedule()
    runs = [sample(s, gmm_denoiser(tool_runs.params, ns), initial_state(s, tool_runs.noise, ns), noise=ns) for s in (excerpt, whole)]
    assert relative_l2(runs[0], runs[1]) < 1e-12


def test_the_winner_in_a_diffusers_pipeline_loop_equals_the_tool(tool_runs, winner):
    path, tool = winner
    scheduler = ScheduleSearchScheduler.from_schedule(path, PIPELINE_CONFIG)
    out = pipeline_loop(scheduler, eps_unet(tool_runs.params, scheduler), torch.as_tensor(tool_runs.noise), guidance=True)
    assert out.dtype == torch.float64
    assert relative_l2(out.numpy(), tool) < BOUND


def test_the_winner_through_sample_schedule_equals_the_tool(tool_runs, winner):
    path, tool = winner
    schedule = Schedule.load(path)
    ns = schedule.noise_schedule()
    _, denoiser_ve = torch_gmm_denoiser(tool_runs.params, ns)
    out = sample_schedule(denoiser_ve, start_state(schedule, torch.as_tensor(tool_runs.noise), ns), schedule)
    assert out.dtype == torch.float64
    final = out.numpy() * ns.alpha(schedule.timesteps[-1])  # VE view at the last time -> the tool's state
    assert relative_l2(final, tool) < BOUND
