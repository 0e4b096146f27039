"""Schedule.load reads schedule-search/schedule@1 with the tool's own messages, and loads the statistics it names."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import CARD, ROOT, STATS, relative_l2, run_tool
from schedule_search import Schedule, ScheduleError

GOOD = {
    "format": "schedule-search/schedule@1", "name": "t", "time": "vp-discrete", "timesteps": [1.0, 0.5, 0.001],
    "steps": [{"method": "multistep", "order": 1}, {"method": "multistep", "order": 2}],
}

BAD = [
    ("unknown top field", {**GOOD, "colour": "red"}),
    ("missing timesteps", {k: v for k, v in GOOD.items() if k != "timesteps"}),
    ("unknown step field", {**GOOD, "steps": [{"method": "multistep", "speed": 1}, {"method": "multistep"}]}),
    ("order not an integer", {**GOOD, "steps": [{"order": "two"}, {}]}),
    ("unknown method", {**GOOD, "steps": [{"method": "rk4"}, {}]}),
    ("unknown afs", {**GOOD, "options": {"afs": "guess"}}),
    ("options not an object", {**GOOD, "options": [1]}),
    ("wrong nfe", {**GOOD, "nfe": 7}),
    ("too few timesteps", {**GOOD, "timesteps": [1.0, 0.001]}),
    ("null name", {**GOOD, "name": None}),
]


@pytest.mark.parametrize("case, document", BAD, ids=[c for c, _ in BAD])
def test_bad_files_get_the_tools_message(tmp_path, monkeypatch, case, document):
    (tmp_path / "bad.json").write_text(json.dumps(document))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScheduleError) as caught:
        Schedule.load("bad.json")
    tool = run_tool("sample", "--model", str(CARD), "--schedule", "bad.json", "--noise", "none.npy", "--out", "o.npy", cwd=tmp_path, check=False)
    assert tool.returncode != 0
    assert str(caught.value) in tool.stderr + tool.stdout, (str(caught.value), tool.stderr)


def test_a_schedule_that_cannot_run_lists_the_tools_problems(tmp_path):
    document = {**GOOD, "steps": [{"method": "multistep", "order": 3}, {"method": "multistep", "order": 2, "corrector": "unic"}]}
    path = tmp_path / "cannot.json"
    path.write_text(json.dumps(document))
    schedule = Schedule.load(path)
    with pytest.raises(ScheduleError) as caught:
        schedule.validate(schedule.noise_schedule())
    message = str(caught.value)
    assert "step 1: multistep order 3 needs 3 points of history but only 1 exist at this step" in message
    assert "step 2: the unic corrector reuses the next step's evaluation and the last step has none" in message


def test_statistics_named_in_the_file_load_by_themselves(tmp_path):
    (tmp_path / "s.npz").write_bytes(STATS.read_bytes())
    path = tmp_path / "afs.json"
    path.write_text(json.dumps({**GOOD, "options": {"afs": "mean-x0"}, "statistics": "s.npz"}))
    schedule = Schedule.load(path)
    with np.load(STATS) as npz:
        assert np.array_equal(schedule.statistics["mean"], npz["mean"])
        assert np.array_equal(schedule.statistics["variance"], np.diag(npz["covariance"]))
    schedule.validate(schedule.noise_schedule())


def test_a_schedule_needing_statistics_without_them_says_how_to_get_them(tmp_path):
    path = tmp_path / "afs.json"
    path.write_text(json.dumps({**GOOD, "options": {"afs": "mean-x0"}}))
    schedule = Schedule.load(path)
    with pytest.raises(ScheduleError, match="export it with schedule-search export --format json, which writes them beside it"):
        schedule.validate(schedule.noise_schedule())


def test_sampler_command_line_runs_a_schedule_needing_statistics(tool_runs, tmp_path):
    """python -m schedule_search (and schedule_search_sampler.py) passes the data statistics: the quickstart's winner shape."""
    out = tmp_path / "out.npy"
    for entry in (["-m", "schedule_search"], [str(ROOT / "python" / "schedule_search_sampler.py")]):
        done = subprocess.run([sys.executable, *entry, str(tool_runs.folder / "searched-afs.json"), str(ROOT / "models" / "gmm-64" / "params.json"),
                               str(tool_runs.folder / "noise.npy"), str(out)], cwd=ROOT / "python", capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert relative_l2(np.load(out), tool_runs.tool("searched-afs")) < tool_runs.bound("searched-afs")
    no_stats = tmp_path / "afs-no-stats.json"
    document = json.loads((tool_runs.folder / "searched-afs.json").read_text())
    del document["statistics"]
    no_stats.write_text(json.dumps(document))
    done = subprocess.run([sys.executable, "-m", "schedule_search", str(no_stats), str(ROOT / "models" / "gmm-64" / "params.json"),
                           str(tool_runs.folder / "noise.npy"), str(out), "--statistics", str(STATS)],
                          cwd=ROOT / "python", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert relative_l2(np.load(out), tool_runs.tool("searched-afs")) < tool_runs.bound("searched-afs")


def test_the_core_runs_without_torch(tool_runs, tmp_path):
    """Issue 19: the core needs nothing beyond NumPy. With torch unimportable, ``python -m schedule_search`` runs the
    searched shapes that read both side files (the analytical first step, DPM-Solver-v3 steps) as the tool does."""
    out = tmp_path / "out.npy"
    for name in ("searched-afs", "searched-v3"):
        argv = [str(tool_runs.folder / f"{name}.json"), str(ROOT / "models" / "gmm-64" / "params.json"),
                str(tool_runs.folder / "noise.npy"), str(out)]
        code = ("import sys, runpy; sys.modules['torch'] = None; sys.argv = ['schedule_search'] + sys.argv[1:]; "
                "runpy.run_module('schedule_search', run_name='__main__'); "
                "assert not any(m == 'torch' or m.startswith('torch.') for m, v in sys.modules.items() if v is not None)")
        done = subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT / "python", capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert relative_l2(np.load(out), tool_runs.tool(name)) < tool_runs.bound(name), name
