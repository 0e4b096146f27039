"""DPM-Solver-v3 steps run in the package: the json export writes the model's empirical statistics beside a searched
schedule with v3 steps and names them in ``ems``; ``Schedule.load`` reads them by itself and the executors equal the
tool (the v3 preset and the hand-written searched-v3 shape run through every executor in test_executors.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from conftest import CARD, EMS, relative_l2, run_tool
from schedule_search import Schedule, ScheduleError, gmm_denoiser, initial_state, sample
from schedule_search.diffusers import ScheduleSearchScheduler
from schedule_search.ems import load_ems
from schedule_search.ems_excerpt import EmsExcerpt

SEARCH = {
    "format": "schedule-search/search@1", "name": "v3 export", "model": str(CARD), "nfe": [5],
    "metric": {"kind": "teacher-mean-rmse", "samples": 64, "seed": 0, "heldout": {"samples": 64, "seed": 1},
               "teacher": {"preset": "dpm-solver++-3m", "nfe": 40, "spacing": "logsnr-uniform"}},
    "space": {"time_shift": False, "derivative": ["dpm-solver-v3", "dpm-solver-v3-pseudo", "dpm-solver"],
              "corrector": ["none", "dpm-solver-v3-pseudo"]},
    "strategy": {"kind": "cma-evolutionary", "population": 4, "seed": 0},
    "budget": {"evaluations": 12},
    "baselines": ["dpm-solver-v3"],
    "baseline_spacings": ["time-quadratic"],
}


def test_every_executor_covers_the_v3_preset_and_a_searched_v3_shape(tool_runs):
    assert {"dpm-solver-v3", "searched-v3"} <= set(tool_runs.names)
    steps = tool_runs.schedule("searched-v3").steps
    assert {s.derivative for s in steps} >= {"dpm-solver-v3", "dpm-solver-v3-pseudo"}
    assert {s.corrector for s in steps} >= {"dpm-solver-v3", "dpm-solver-v3-pseudo"}


def test_the_json_export_of_a_searched_v3_schedule_carries_its_statistics_and_runs_as_the_tool(tool_runs, tmp_path):
    (tmp_path / "v3.search.json").write_text(json.dumps(SEARCH))
    run_tool("run", "v3.search.json", "--db", "v3.db", cwd=tmp_path)
    done = run_tool("export", "v3 export", "--nfe", "5", "--db", "v3.db", "--out", "best.schedule.json", "--no-target-scores", cwd=tmp_path)
    assert "wrote best.ems.npz (the dpm-solver-v3 statistics the schedule's v3 steps read)" in done.stdout
    document = json.loads((tmp_path / "best.schedule.json").read_text())
    assert document["ems"] == "best.ems.npz"
    assert any(s["derivative"].startswith("dpm-solver-v3") for s in document["steps"])
    assert_loads_the_cards_statistics_and_runs_as_the_tool(tool_runs, tmp_path, "best.schedule.json")


def test_a_v3_preset_written_by_the_tool_carries_its_statistics_and_runs_as_the_tool(tool_runs, tmp_path):
    done = run_tool("schedule", "preset", "dpm-solver-v3", "--model", str(CARD), "--nfe", "5", "--out", "v3/preset.json", cwd=tmp_path)
    assert "wrote v3/preset.ems.npz (the dpm-solver-v3 statistics the schedule's v3 steps read)" in done.stdout
    assert json.loads((tmp_path / "v3" / "preset.json").read_text())["ems"] == "preset.ems.npz"
    assert_loads_the_cards_statistics_and_runs_as_the_tool(tool_runs, tmp_path, "v3/preset.json")


def assert_loads_the_cards_statistics_and_runs_as_the_tool(tool_runs, folder, name):
    """``Schedule.load`` on nothing but the written file finds the statistics by the name in it: the excerpt of the
    card's statistics the schedule's v3 updates read (ems_excerpt.py), which holds the card's full-grid integrals at the
    schedule's times and its steps' E_k, a small part of the card's file. The reference executor on it equals the run
    on the card's whole grid to rounding and ``schedule-search sample`` on the same file."""
    schedule = Schedule.load(folder / name)
    assert isinstance(schedule.ems, EmsExcerpt)
    card = load_ems(str(EMS))
    ns = schedule.noise_schedule()
    assert np.array_equal(schedule.ems.lam, card.lam)
    assert len(schedule.ems.points) <= len(schedule.timesteps)
    assert ((folder / name).parent / document_field(folder / name, "ems")).stat().st_size * 20 < EMS.stat().st_size
    for t in schedule.timesteps:
        stored = schedule.ems.integrals.locate(ns.lam(t))
        if stored is not None:
            full = card.integrals.values_at(card.integrals.locate(ns.lam(t)))
            for mine, theirs in zip(schedule.ems.integrals.values_at(stored), full):
                assert np.allclose(mine, theirs, rtol=1e-12, atol=1e-14)
    out = sample(schedule, gmm_denoiser(tool_runs.params, ns), initial_state(schedule, tool_runs.noise, ns), noise=ns)
    on_card = Schedule.load(folder / name, ems=EMS)
    whole = sample(on_card, gmm_denoiser(tool_runs.params, ns), initial_state(on_card, tool_runs.noise, ns), noise=ns)
    assert relative_l2(out, whole) < 1e-12
    run_tool("sample", "--model", str(CARD), "--schedule", name, "--noise", str(tool_runs.folder / "noise.npy"), "--out", "tool.npy", cwd=folder)
    assert relative_l2(out, np.load(folder / "tool.npy")) < 1e-6


def document_field(path, field):
    return json.loads(path.read_text())[field]


def test_a_v3_schedule_without_its_statistics_says_where_they_come_from(tool_runs, tmp_path):
    document = json.loads((tool_runs.folder / "searched-v3.json").read_text())
    del document["ems"]
    document["statistics"] = str(tool_runs.folder / "gmm-64.stats.npz")
    (tmp_path / "v3.json").write_text(json.dumps(document))
    schedule = Schedule.load(tmp_path / "v3.json")
    ns = schedule.noise_schedule()
    with pytest.raises(ScheduleError, match="dpm-solver-v3 steps need the model's empirical model statistics"):
        schedule.validate(ns)
    with pytest.raises(ScheduleError, match="schedule-search export --format json and schedule preset --out write beside the schedule"):
        sample(schedule, gmm_denoiser(tool_runs.params, ns), initial_state(schedule, tool_runs.noise, ns), noise=ns)
    given = Schedule.load(tmp_path / "v3.json", ems=EMS)
    given.validate(ns)
    (tmp_path / "missing.json").write_text(json.dumps({**document, "ems": "nowhere.ems.npz"}))
    with pytest.raises(ScheduleError, match="ems: names \"nowhere.ems.npz\" but .* does not exist"):
        Schedule.load(tmp_path / "missing.json")


def test_a_v3_step_off_the_statistics_grid_is_refused_with_the_tools_message(tool_runs, tmp_path):
    card = load_ems(str(EMS))
    rows = slice(0, 700)  # the noisiest 700 grid points: t below about 0.15 is off the grid
    np.savez(tmp_path / "short.ems.npz", **{"lambda": card.lam[rows], "l": card.l[rows], "s": card.s[rows], "b": card.b[rows]})
    document = json.loads((tool_runs.folder / "searched-v3.json").read_text())
    document["statistics"] = str(tool_runs.folder / "gmm-64.stats.npz")
    (tmp_path / "v3.json").write_text(json.dumps({**document, "ems": "short.ems.npz"}))
    schedule = Schedule.load(tmp_path / "v3.json")
    with pytest.raises(ScheduleError) as caught:
        schedule.validate(schedule.noise_schedule())
    message = str(caught.value).split(" cannot run: ", 1)[1]
    assert message.startswith("step 4: dpm-solver-v3 reads its statistics at timesteps[4] = 0.12, outside the statistics grid t in [0.1"), message
    # The tool on a card whose statistics are the same short grid says the same.
    for name in ("model.onnx", "stats.npz"):
        (tmp_path / name).write_bytes((CARD.parent / name).read_bytes())
    (tmp_path / "model.json").write_text(json.dumps({**json.loads(CARD.read_text()), "ems": "short.ems.npz"}))
    tool = run_tool("sample", "--model", "model.json", "--schedule", "v3.json", "--noise", str(tool_runs.folder / "noise.npy"),
                    "--out", "o.npy", cwd=tmp_path, check=False)
    assert tool.returncode != 0
    assert message in tool.stderr, (message, tool.stderr)


def test_the_diffusers_scheduler_keeps_the_statistics_path_in_its_config(tool_runs):
    scheduler = ScheduleSearchScheduler.from_schedule(tool_runs.folder / "searched-v3.json")
    assert scheduler.config["ems_file"] == str(tool_runs.folder / "gmm-64.ems.npz")
    again = ScheduleSearchScheduler.from_config(scheduler.config)
    assert again.nfe == scheduler.nfe == 5
    preset = json.loads((tool_runs.folder / "dpm-solver-v3.json").read_text())
    del preset["ems"]
    path = tool_runs.folder / "v3-preset-no-ems.json"
    path.write_text(json.dumps(preset))
    assert ScheduleSearchScheduler.from_schedule(path, ems=EMS).config["ems_file"] == str(EMS)


def test_a_model_behind_a_float32_sigma_table_reads_the_excerpts_points(tool_runs):
    """k-diffusion and ComfyUI reach the model through a float32 sigma table, which puts the schedule's times about
    2e-6 of an interval off the grid: on the whole grid they interpolate, on the excerpt they read the stored point,
    and the two runs differ by rounding (1.5e-8 measured), each 9e-8 from the tool."""
    import fake_comfy
    from schedule_search.k_diffusion import noise_schedule_of, sample_schedule, start_state
    from test_comfyui import comfy_model

    fake_comfy.install()
    path = tool_runs.folder / "dpm-solver-v3.json"
    excerpt, whole = Schedule.load(path), Schedule.load(path, ems=EMS)
    assert isinstance(excerpt.ems, EmsExcerpt)
    wrap = comfy_model(tool_runs, "dpm-solver-v3")
    table = noise_schedule_of(wrap, excerpt)
    assert any(not whole.ems.integrals.locate(table.lam(t)).on_grid for t in excerpt.timesteps)
    x = start_state(excerpt, torch.as_tensor(tool_runs.noise), excerpt.noise_schedule())
    on_excerpt, on_whole = sample_schedule(wrap, x, excerpt).numpy(), sample_schedule(wrap, x, whole).numpy()
    assert relative_l2(on_excerpt, on_whole) < 1e-7
    alpha = excerpt.noise_schedule().alpha(excerpt.timesteps[-1])
    assert relative_l2(on_excerpt * alpha, tool_runs.tool("dpm-solver-v3")) < 1e-6


def test_an_excerpt_refuses_another_schedules_times_and_names_the_cards_file(tool_runs, tmp_path):
    document = json.loads((tool_runs.folder / "searched-v3.json").read_text())
    document["statistics"] = str(tool_runs.folder / "gmm-64.stats.npz")
    document["ems"] = str(tool_runs.folder / "dpm-solver-v3.ems.npz")  # the v3 preset's excerpt, other times
    (tmp_path / "v3.json").write_text(json.dumps(document))
    schedule = Schedule.load(tmp_path / "v3.json")
    with pytest.raises(ScheduleError, match="the excerpt it names holds only t = .*: pass the card's ems.npz for other times"):
        schedule.validate(schedule.noise_schedule())
