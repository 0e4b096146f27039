"""The exports table for the fashion-guided search (bench/BENCHMARKS.md, "Exports", the fashion-guided table).

    /usr/bin/python3 bench/exports/bench_fashion_exports.py --db DB [--search searches/fashion-guided-screenshot.search.json] [--nfe 5] [--rows 64]

The same runs as bench_exports.py (which it reuses: the targets' formulas re-implemented from their source), on
fashion-unet-eps with the spec's classifier-free guidance (scale from the spec, sample i asks for class i mod 10,
null class 10) instead of gmm-64's exact posterior mean. The network is the torch definition the model was trained
with (tools/modelzoo/train.py's UNet, c1 48, c2 96) carrying the weights of models/fashion-unet-eps/model.onnx, read
with python3-onnx: the float16-stored initializers as ONNX casts them, and the GroupNorm scales and shifts, which the
ONNX export renamed (onnx::Mul_N / onnx::Add_N), assigned in graph order. Needs Debian's python3-torch and
python3-onnx (there is no python3-onnxruntime in Debian, so the ONNX file itself cannot run in Python here). The
script first checks that network against the tool: the exact Python run of the json export and
`schedule-search sample --guidance` of it on the same noise must agree to float32 rounding.

--db is a database where the search already ran (it is copied, not changed); the teacher and the tool's runs are
`schedule-search sample` on fresh noise (numpy seed 2026, --rows draws). Metric: teacher-mean-rmse over the 784 pixels.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_exports as be  # noqa: E402

sys.path.insert(0, str(be.ROOT / "tools" / "modelzoo"))
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from train import UNet  # noqa: E402

from schedule_search import Schedule, ScheduleError, initial_state, sample  # noqa: E402
from schedule_search.noise import VpDiscrete  # noqa: E402


def load_unet(path: Path) -> UNet:
    """fashion-unet-eps's UNet with the weights of its ONNX file."""
    net = UNet(c1=48, c2=96, num_classes=10)
    graph = onnx.load(str(path)).graph
    weights = {i.name.removesuffix("__fp16"): numpy_helper.to_array(i).astype(np.float32) for i in graph.initializer}
    state = net.state_dict()
    norms = [name for name, module in net.named_modules() if isinstance(module, torch.nn.GroupNorm)]
    renamed = sorted((n for n in weights if n.startswith("onnx::")), key=lambda n: int(n.rsplit("_", 1)[1]))
    if len(renamed) != 2 * len(norms):
        raise SystemExit(f"expected {2 * len(norms)} renamed GroupNorm tensors in {path}, found {len(renamed)}")
    for k, name in enumerate(norms):
        scale, shift = renamed[2 * k], renamed[2 * k + 1]
        if not (scale.startswith("onnx::Mul_") and shift.startswith("onnx::Add_")):
            raise SystemExit(f"GroupNorm {name}: expected a Mul then an Add tensor, found {scale}, {shift}")
        weights[name + ".weight"] = weights.pop(scale).reshape(-1)
        weights[name + ".bias"] = weights.pop(shift).reshape(-1)
    missing = [n for n in state if n not in weights]
    if missing:
        raise SystemExit(f"{path} lacks {missing}")
    net.load_state_dict({n: torch.from_numpy(weights[n]).reshape(state[n].shape) for n in state})
    return net.eval()


class GuidedUnet:
    """Classifier-free guidance on the network's eps, uncond + w (cond - uncond), sample i asking for class i mod 10
    (the tool's ClassifierFreeGuidance); the network in float32, the combination in float64. Duck-types
    bench_exports.Gmm's eps_at_timestep (n: the float training step, the network's time input)."""

    def __init__(self, net: UNet, scale: float, ns: VpDiscrete):
        self.net, self.scale, self.ns = net, scale, ns

    def eps_at_timestep(self, x_vp, n):
        b = x_vp.shape[0]
        x = torch.from_numpy(np.asarray(x_vp, dtype=np.float64).reshape(b, 1, 28, 28)).float()
        y = torch.cat([torch.arange(b) % 10, torch.full((b,), 10)])
        with torch.no_grad():
            out = self.net(torch.cat([x, x]), torch.full((2 * b,), float(n)), y).double().reshape(2 * b, -1).numpy()
        cond, uncond = out[:b], out[b:]
        return uncond + self.scale * (cond - uncond)

    def eps_at_t(self, x_vp, t):
        return self.eps_at_timestep(x_vp, (t - 1.0 / self.ns.train_steps) * self.ns.train_steps)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--search", default=str(be.ROOT / "searches" / "fashion-guided-screenshot.search.json"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--nfe", type=int, default=5)
    parser.add_argument("--rows", type=int, default=64)
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    spec = json.loads(Path(args.search).read_text())
    card = (Path(args.search).parent / spec["model"]).resolve()
    scale = str(spec["guidance"]["scale"])
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        db = str(cwd / "bench.db")
        shutil.copyfile(args.db, db)
        be.tool("export", spec["name"], "--nfe", str(args.nfe), "--format", "all", "--out", str(cwd / "exports") + "/", "--db", db, cwd=cwd)
        summary = json.loads(be.tool("show", spec["name"], "--json", "--db", db, cwd=cwd))
        at_nfe = next(p for p in summary["per_nfe"] if p["nfe"] == args.nfe)
        exports = {p.name.split(".")[-2]: json.loads(p.read_text()) for p in (cwd / "exports").glob("*.json")}
        exports = {k: (v[0] if isinstance(v, list) else v) for k, v in exports.items()}
        json_path = next((cwd / "exports").glob("*.schedule.json"))
        noise = np.random.default_rng(2026).standard_normal((args.rows, 784))
        np.save(cwd / "noise.npy", noise.reshape(args.rows, 1, 28, 28))

        def tool_sample(schedule_file, out):
            be.tool("sample", "--model", str(card), "--schedule", schedule_file, "--noise", "noise.npy", "--out", out, "--guidance", scale, cwd=cwd)
            return np.load(cwd / out).reshape(args.rows, -1)

        teacher = spec["metric"]["teacher"]
        be.tool("schedule", "preset", teacher["preset"], "--model", str(card), "--nfe", str(teacher["nfe"]), "--spacing", teacher["spacing"], "--out", "teacher.json", cwd=cwd)
        teacher_x = tool_sample("teacher.json", "teacher.npy")
        tool_x = tool_sample(str(json_path), "tool.npy")
        ns = VpDiscrete(**{k: v for k, v in json.loads(card.read_text())["schedule"].items() if k != "kind"})
        unet = GuidedUnet(load_unet(card.parent / "model.onnx"), float(scale), ns)
        rows = [("the tool: `schedule-search sample` of the json export", be.teacher_rmse(tool_x, teacher_x), exported_nfe(json_path),
                 f"{at_nfe['best']['heldout']:.4f} (the search's held-out score)")]
        try:
            schedule = Schedule.load(json_path)
        except ScheduleError as e:
            rows.append((f"the exact Python run: cannot load the schedule ({e.args[0].split(': ', 1)[-1]})", None, exported_nfe(json_path)))
        else:
            exact = sample(schedule, unet.eps_at_t, initial_state(schedule, noise, ns), noise=ns, prediction="eps")
            gap = float(np.max(np.abs(exact - tool_x)))
            print(f"network check: the exact Python run vs schedule-search sample, max abs difference {gap:.2e}")
            rows.append((f"the exact Python run: `schedule_search` over the torch UNet (max abs {gap:.1e} from the tool)", be.teacher_rmse(exact, teacher_x), schedule.nfe))
        table = be.SigmaTable()
        model = be.ve_model(unet, table)
        k = exports["k-diffusion"]
        k_sigmas = list(np.array(k["sigmas"], dtype=np.float32).astype(np.float64))
        if k["sampler"] in be.K_SAMPLERS:
            x = be.K_SAMPLERS[k["sampler"]](model, noise * math.sqrt(1.0 + k_sigmas[0] ** 2), k_sigmas)
            rows.append((f"k-diffusion export: `{k['sampler']}` {json.dumps(k['extra_args'])}", be.teacher_rmse(x, teacher_x), k["nfe"], be.expected(k)))
        d = exports["diffusers"]
        if d["scheduler"] == "DPMSolverMultistepScheduler" and d.get("timesteps"):
            rows.append((f"diffusers export: `DPMSolverMultistepScheduler` order {d['config']['solver_order']}, `timesteps={d['timesteps']}`",
                         be.teacher_rmse(be.diffusers_dpmsolver(unet, noise, d), teacher_x), d["nfe"], be.expected(d)))
        else:
            rows.append((f"diffusers export: `{d['scheduler']}` (not re-implemented in the script)", None, d["nfe"], be.expected(d)))
        c = exports["comfyui"]
        x = be.comfyui(model, noise, c, table)
        segments = " + ".join(f"`{s['sampler']}` on sigmas[{s['start']}..{s['end']}]" for s in c["segments"])
        rows.append((f"ComfyUI export: {segments}", be.teacher_rmse(x, teacher_x) if x is not None else None, c["nfe"], be.expected(c)))
        baseline = at_nfe["best_baseline"]
        preset = baseline["name"].split(" (")[0]
        (cwd / "baseline-t.json").write_text(json.dumps([float(t) for t in baseline["timesteps"]]))
        be.tool("schedule", "preset", preset, "--model", str(card), "--timesteps", "baseline-t.json", "--out", "baseline.json", cwd=cwd)
        rows.append((f"the best classic solver the search scored ({baseline['name']})", be.teacher_rmse(tool_sample("baseline.json", "baseline.npy"), teacher_x), args.nfe,
                     f"{baseline['heldout']:.4f} (the search's held-out score)"))
        print("exported schedule:", json.dumps(json.loads(json_path.read_text())["steps"]), json.loads(json_path.read_text()).get("options"))
        print(f"| run ({spec['name']}, NFE {args.nfe}) | teacher-mean-rmse (script, {args.rows} fresh draws) | the tool's `expected` (held-out set) | model calls |")
        print("|---|---|---|---|")
        for name, value, calls, *tool_expected in rows:
            print(f"| {name} | {'-' if value is None else f'{value:.4f}'} | {tool_expected[0] if tool_expected else ''} | {calls} |")


def exported_nfe(path: Path) -> int:
    doc = json.loads(path.read_text())
    return (doc[0] if isinstance(doc, list) else doc)["nfe"]


if __name__ == "__main__":
    main()
