"""bench/optuna/side_by_side.py runs its candidates as the tool does: a candidate it builds (free decisions with the
analytical first step from the data mean, a UniC corrector, noise and data prediction, UniPC and Taylor derivatives),
run by the script's Problem on gmm-64's exact mixture, equals ``schedule-search sample`` on the same noise; its fast
mixture denoiser equals the package's; every candidate it can build is valid and costs exactly the target NFE; the
best baseline's logits give back the baseline's timesteps (trial 0 is the baseline).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import CARD, PARAMS, ROOT, STATS, relative_l2, run_tool
from schedule_search import Schedule, gmm_denoiser
from test_executors import FLOAT32_BOUND

sys.path.insert(0, str(ROOT / "bench" / "optuna"))

import side_by_side  # noqa: E402

NFE = 5
ROWS = 24

FREE = {
    "template": "free", "afs": "mean-x0",
    **{f"z{j}": v for j, v in enumerate([0.3, -0.2, 0.1, 0.4, -0.5, -0.1])},
    **{f"s{i}_pred": p for i, p in enumerate(["data", "noise", "data", "data", "noise", "data"])},
    **{f"s{i}_order": o for i, o in enumerate([3, 2, 3, 1, 2, 3])},
    **{f"s{i}_deriv": d for i, d in enumerate(["dpm-solver", "unipc-bh2", "taylor", "unipc-bh1", "dpm-solver", "taylor"])},
    **{f"s{i}_corr": c for i, c in enumerate(["none", "unic", "unic", "none", "unic"])},
}


@pytest.fixture(scope="module")
def suite_folder(tmp_path_factory) -> Path:
    """gmm-64 written as the suite bench writes a problem (the teacher files hold the noise: only run() is compared)."""
    folder = tmp_path_factory.mktemp("suite") / "mix-d64-k4"
    folder.mkdir()
    shutil.copy(PARAMS, folder / "params.json")
    shutil.copy(STATS, folder / "stats.npz")
    noise = np.random.default_rng(11).standard_normal((ROWS, 64))
    for name in ("noise", "heldout-noise", "teacher", "heldout-teacher"):
        np.save(folder / f"{name}.npy", noise)
    run_tool("schedule", "preset", "ipndm", "--model", str(CARD), "--nfe", str(NFE), "--spacing", "time-quadratic",
             "--out", str(folder / f"nfe{NFE}-teacher-rmse.baseline.json"), cwd=folder)
    return folder


def test_a_candidate_runs_as_the_tool_runs_it(suite_folder):
    problem = side_by_side.Problem(suite_folder)
    baseline = problem.baseline(NFE, "teacher-rmse")
    ns = Schedule.parse(baseline).noise_schedule()
    schedule = side_by_side.candidate(FREE, baseline, NFE, ns)
    assert schedule["options"]["afs"] == "mean-x0" and len(schedule["steps"]) == NFE + 1
    (suite_folder / "candidate.json").write_text(json.dumps({**schedule, "statistics": "stats.npz"}))
    run_tool("sample", "--model", str(CARD), "--schedule", "candidate.json", "--noise", "noise.npy", "--out", "tool.npy", cwd=suite_folder)
    tool = np.load(suite_folder / "tool.npy")
    # The tool runs gmm-64's float32 ONNX graph, the script the exact mixture in float64 (test_executors' bound).
    assert relative_l2(problem.run(schedule), tool) < FLOAT32_BOUND
    teacher = problem.teacher[False] + 0.1
    for metric, formula in side_by_side.METRICS.items():
        assert formula(problem.run(schedule), teacher) == pytest.approx(formula(tool, teacher), rel=FLOAT32_BOUND), metric
    assert side_by_side.rmse(tool, teacher) == pytest.approx(float(np.sqrt(np.mean((tool - teacher) ** 2))), rel=1e-12)


def test_the_fast_mixture_denoiser_equals_the_package(suite_folder):
    problem = side_by_side.Problem(suite_folder)
    ns = Schedule.parse(problem.baseline(NFE, "teacher-rmse")).noise_schedule()
    x = np.random.default_rng(5).standard_normal((ROWS, 64))
    for t in (1.0, 0.5, 0.1, 0.01, 0.001):
        fast = side_by_side.fast_gmm_denoiser(problem.params, ns)(x, t)
        assert relative_l2(fast, gmm_denoiser(problem.params, ns)(x, t)) < 1e-9, t


def test_every_candidate_is_valid_at_the_nfe_and_trial_zero_is_the_baseline(suite_folder):
    problem = side_by_side.Problem(suite_folder)
    baseline = problem.baseline(NFE, "teacher-rmse")
    ns = Schedule.parse(baseline).noise_schedule()
    z = side_by_side.baseline_logits(baseline, NFE, ns)
    points = side_by_side.timesteps(z, NFE, baseline["timesteps"][0], baseline["timesteps"][-1], ns)
    assert points == pytest.approx(baseline["timesteps"], rel=1e-9)
    rng = np.random.default_rng(0)
    for _ in range(40):
        params = {f"z{j}": float(rng.uniform(-side_by_side.LOGIT_RANGE, side_by_side.LOGIT_RANGE)) for j in range(NFE + 1)}
        params["template"] = str(rng.choice(["baseline", "free"]))
        params["afs"] = str(rng.choice(side_by_side.AFS))
        for i in range(NFE + 1):
            params[f"s{i}_pred"] = str(rng.choice(side_by_side.PREDICTIONS))
            params[f"s{i}_order"] = int(rng.choice(side_by_side.ORDERS))
            params[f"s{i}_deriv"] = str(rng.choice(side_by_side.DERIVATIVES))
            params[f"s{i}_corr"] = str(rng.choice(side_by_side.CORRECTORS))
        schedule = Schedule.parse(side_by_side.candidate(params, baseline, NFE, ns))
        schedule.statistics = problem.statistics
        schedule.validate(ns)
        assert schedule.nfe == NFE, params
