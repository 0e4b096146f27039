"""Shared fixtures: the tool's own samples (``schedule-search sample`` on gmm-64) for every preset and for searched
per-step schedules, computed once per session; the package's runs are compared with them.

The tool is the built CLI (``dotnet test ScheduleSearch.sln -c Release`` builds it; CI runs this suite after that).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import torch  # noqa: E402

torch.set_num_threads(1)

from schedule_search import Schedule  # noqa: E402

CARD = ROOT / "models" / "gmm-64" / "model.json"
PARAMS = ROOT / "models" / "gmm-64" / "params.json"
STATS = ROOT / "models" / "gmm-64" / "stats.npz"
EMS = ROOT / "models" / "gmm-64" / "ems.npz"
DATA = Path(__file__).resolve().parent / "data"
NFE = 6
ROWS = 24


def tool_dll() -> Path:
    for configuration in ("Release", "Debug"):
        dll = ROOT / "src" / "ScheduleSearch.Cli" / "bin" / configuration / "net10.0" / "schedule-search.dll"
        if dll.exists():
            return dll
    raise RuntimeError("the schedule-search CLI is not built: run `dotnet build ScheduleSearch.sln -c Release` first")


def run_tool(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    done = subprocess.run(["dotnet", str(tool_dll()), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check and done.returncode != 0:
        raise AssertionError(f"schedule-search {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def preset_names(cwd: Path) -> list[str]:
    """Every preset the tool names in ``schedule-search schedule preset --help`` ("The preset: a, b, ...")."""
    text = " ".join(run_tool("schedule", "preset", "--help", cwd=cwd).stdout.split())
    listed = text.split("The preset: ", 1)[1].split(" Options:", 1)[0]
    names = [name.strip() for name in listed.split(",")]
    assert len(names) >= 10 and all(name and " " not in name for name in names), names
    return names


class ToolRuns:
    """Schedules written by the tool (presets) or by hand (searched per-step shapes) and the tool's samples of each."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.noise = np.random.default_rng(7).standard_normal((ROWS, 64))
        np.save(folder / "noise.npy", self.noise)
        self.params = json.loads(PARAMS.read_text())
        self._bounds: dict[str, float] = {}
        self.names: list[str] = []
        for preset in preset_names(folder):
            run_tool("schedule", "preset", preset, "--model", str(CARD), "--nfe", str(NFE), "--out", f"{preset}.json", cwd=folder)
            self.names.append(preset)
        for file in sorted(DATA.glob("searched-*.json")):
            shutil.copy(file, folder / file.name)
            self.names.append(file.stem)
        # The searched shapes that need the data's statistics name them, as the json export does.
        shutil.copy(STATS, folder / "gmm-64.stats.npz")
        shutil.copy(EMS, folder / "gmm-64.ems.npz")
        for name in self.names:
            run_tool("sample", "--model", str(CARD), "--schedule", f"{name}.json", "--noise", "noise.npy", "--out", f"{name}.tool.npy", cwd=folder)

    def bound(self, name: str) -> float:
        """How close a float64 run must come to the tool on this schedule: 1e-6 relative L2, or twice the tool's own
        float32 floor where that is larger. The tool runs gmm-64's float32 ONNX graph; the floor is measured by
        running the exact mixture with the graph's float32 rounding of its input (VE view) and output, and is above
        1e-6 only where an analytical first step hands a large jump to data-prediction steps (searched-afs: 1.7e-6)."""
        if name not in self._bounds:
            from schedule_search import gmm_denoiser, initial_state, sample

            schedule = self.schedule(name)
            ns = schedule.noise_schedule()
            exact = gmm_denoiser(self.params, ns)

            def graph(x, t):
                alpha = ns.alpha(t)
                x_in = (x / alpha).astype(np.float32).astype(np.float64) * alpha
                return exact(x_in, t).astype(np.float32).astype(np.float64)

            start = initial_state(schedule, self.noise, ns)
            floor = relative_l2(sample(schedule, graph, start, noise=ns), sample(schedule, exact, start, noise=ns))
            self._bounds[name] = max(1e-6, 2.0 * floor)
        return self._bounds[name]

    def schedule(self, name: str) -> Schedule:
        return Schedule.load(self.folder / f"{name}.json")

    def tool(self, name: str) -> np.ndarray:
        return np.load(self.folder / f"{name}.tool.npy")


@pytest.fixture(scope="session")
def tool_runs(tmp_path_factory) -> ToolRuns:
    return ToolRuns(tmp_path_factory.mktemp("tool"))


def relative_l2(a, b) -> float:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def torch_gmm_denoiser(params, ns, dtype=torch.float64):
    """The exact posterior mean E[x0 | x_t] of gmm-64 at time t (the tool's model, its ONNX graph in closed form)."""
    weights = torch.tensor(params["weights"], dtype=torch.float64)
    means = torch.tensor(params["means"], dtype=torch.float64)
    variances = torch.tensor(params["variances"], dtype=torch.float64)

    def ve(x_ve: torch.Tensor, sigma_ve) -> torch.Tensor:
        x = x_ve.to(torch.float64)
        s2 = torch.as_tensor(sigma_ve, dtype=torch.float64).reshape(-1, 1, 1) ** 2
        total = variances[None] + s2  # [B, K, D]
        diff = x[:, None, :] - means[None]
        log_p = torch.log(weights)[None] - 0.5 * torch.sum(diff * diff / total + torch.log(2 * torch.pi * total), dim=2)
        r = torch.softmax(log_p, dim=1)
        posterior = means[None] + variances[None] / total * diff
        return torch.einsum("bk,bkd->bd", r, posterior).to(x_ve.dtype)

    def at_time(x: torch.Tensor, t: float) -> torch.Tensor:
        alpha = ns.alpha(t)
        return ve(x / alpha, ns.ve_sigma(t) * torch.ones(x.shape[0], dtype=torch.float64))

    return at_time, ve
