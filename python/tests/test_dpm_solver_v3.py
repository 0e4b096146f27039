"""DPM-Solver-v3 steps run in the package: the json export writes the model's empirical statistics beside a searched
schedule with v3 steps and names them in ``ems``; ``Schedule.load`` reads them by itself and the executors equal the
tool (the v3 preset and the hand-written searched-v3 shape run through every executor in test_executors.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import CARD, EMS, relative_l2, run_tool
from schedule_search import Schedule, ScheduleError, gmm_denoiser, initial_state, sample
from schedule_search.diffusers import ScheduleSearchScheduler
from schedule_search.ems import load_ems

SEARCH = {
    "format": "schedule-search/search@1", "name": "v3 export", "model": str(CARD), "nfe": [5],
    "metric": {"kind": "teacher-mean-rmse", "samples": 64, "seed": 0, "heldout": {"samples": 64, "seed": 1},
               "teacher": {"preset": "dpm-solver++-3m", "nfe": 40, "spacing": "logsnr-uniform"}},
    "space": {"time_shift": False, "derivative": ["dpm-solver-v3", "dpm-solver-v3-pseudo", "dpm-solver"],
              "corrector": ["none", "dpm-solver-v3-pseudo"]},
    "strategy": {"kind": "default", "population": 4, "seed": 0},
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
    """``Schedule.load`` on nothing but the written file finds the card's statistics by the name in it, and the
    reference executor then equals ``schedule-search sample`` on the same file."""
    schedule = Schedule.load(folder / name)
    card = load_ems(str(EMS))
    assert np.array_equal(schedule.ems.lam, card.lam) and np.array_equal(schedule.ems.l, card.l)
    assert np.array_equal(schedule.ems.s, card.s) and np.array_equal(schedule.ems.b, card.b)
    run_tool("sample", "--model", str(CARD), "--schedule", name, "--noise", str(tool_runs.folder / "noise.npy"), "--out", "tool.npy", cwd=folder)
    ns = schedule.noise_schedule()
    out = sample(schedule, gmm_denoiser(tool_runs.params, ns), initial_state(schedule, tool_runs.noise, ns), noise=ns)
    assert relative_l2(out, np.load(folder / "tool.npy")) < 1e-6


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
