"""How much of a searched schedule's gain each export keeps where users sample (bench/BENCHMARKS.md, "Exports").

    /usr/bin/python3 bench/exports/bench_exports.py [--search searches/quickstart.search.json] [--nfe 5] [--rows 1024] [--db DB]

Runs the search with the built CLI (into a fresh database, or reads a copy of --db), exports its best schedule at the NFE in every format,
and scores on fresh noise (numpy seed 2026, not the tool's held-out set) against the spec's teacher run by the tool:
the tool itself (`schedule-search sample`), the exact Python run (schedule_search's reference executor), the best
classic solver the search scored, and each approximate export as its target would run it. The targets' formulas are
re-implemented here faithfully from their current source (k-diffusion sampling.py 4601bf0: sample_euler, sample_heun,
sample_dpm_2, sample_dpmpp_2m, sample_dpmpp_2s_ancestral, sample_dpmpp_3m_sde; diffusers 58eb52c:
DPMSolverMultistepScheduler with custom integer timesteps, float32 betas and sigma table; ComfyUI: one SamplerCustom
per SplitSigmas segment, each restarting its sampler, uni_pc and uni_pc_bh2 as its sample_unipc runs them, noise scaled by sqrt(1 + sigma_0^2) at sigma_max), because none
of them is installable here. The network they call is gmm-64's exact posterior mean, reached the way each target
reaches a VP model (diffusers: integer timestep; k-diffusion and ComfyUI: sigma -> fractional timestep by log-sigma
interpolation of the float32 sigma table). Metric: teacher-mean-rmse (per-sample RMSE against the teacher, averaged).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

from schedule_search import Schedule, ScheduleError, gmm_denoiser, initial_state, sample  # noqa: E402
from schedule_search.noise import VpDiscrete  # noqa: E402

DLL = ROOT / "src" / "ScheduleSearch.Cli" / "bin" / "Release" / "net10.0" / "schedule-search.dll"


def tool(*args, cwd):
    done = subprocess.run(["dotnet", str(DLL), *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"schedule-search {' '.join(args)}: {done.stderr}")
    return done.stdout


def teacher_rmse(x, teacher):
    return float(np.mean(np.sqrt(np.mean((x - teacher) ** 2, axis=1))))


class Gmm:
    """gmm-64's exact posterior mean E[x0 | x_t], in float64, at a continuous VP time t."""

    def __init__(self, params, ns: VpDiscrete):
        self.denoise = gmm_denoiser(params, ns)
        self.ns = ns

    def x0_at_t(self, x_vp, t):
        return self.denoise(x_vp, t)

    def eps_at_timestep(self, x_vp, n):
        t = (float(n) + 1.0) / self.ns.train_steps
        return (x_vp - self.ns.alpha(t) * self.denoise(x_vp, t)) / self.ns.sigma(t)


class SigmaTable:
    """The float32 sigma table of k-diffusion's CompVisDenoiser / ComfyUI's ModelSamplingDiscrete (linear betas)."""

    def __init__(self, steps=1000, beta_start=1e-4, beta_end=0.02):
        betas = np.linspace(beta_start, beta_end, steps, dtype=np.float64)  # torch.linspace in float64, then float32 table
        acp = np.cumprod(1.0 - betas)
        self.sigmas = (((1 - acp) / acp) ** 0.5).astype(np.float32)
        self.log_sigmas = np.log(self.sigmas.astype(np.float64))

    def sigma_to_t(self, sigma):
        """k-diffusion's DiscreteSchedule.sigma_to_t (quantize=False): linear interpolation of log sigma."""
        log_sigma = math.log(sigma)
        dists = log_sigma - self.log_sigmas
        low_idx = int(np.clip(np.cumsum(dists >= 0).argmax(), 0, len(self.log_sigmas) - 2)) if (dists >= 0).any() else 0
        high_idx = low_idx + 1
        low, high = self.log_sigmas[low_idx], self.log_sigmas[high_idx]
        w = np.clip((low - log_sigma) / (low - high), 0, 1)
        return (1 - w) * low_idx + w * high_idx


def ve_model(gmm: Gmm, table: SigmaTable):
    """A VP eps network in k-diffusion's / ComfyUI's VE view: D(x, sigma) = x - sigma * eps(x / sqrt(1 + sigma^2), t(sigma))."""

    def model(x, sigma):
        sigma = float(sigma)
        n = table.sigma_to_t(sigma)
        c_in = 1.0 / math.sqrt(sigma * sigma + 1.0)
        return x - sigma * gmm.eps_at_timestep(x * c_in, n)

    return model


# ---------------------------------------------------------------------------------------------- k-diffusion's samplers


def sample_euler(model, x, sigmas):
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        x = x + (x - denoised) / sigmas[i] * (sigmas[i + 1] - sigmas[i])
    return x


def sample_heun(model, x, sigmas):
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        d = (x - denoised) / sigmas[i]
        dt = sigmas[i + 1] - sigmas[i]
        if sigmas[i + 1] == 0:
            x = x + d * dt
        else:
            x_2 = x + d * dt
            d_2 = (x_2 - model(x_2, sigmas[i + 1])) / sigmas[i + 1]
            x = x + (d + d_2) / 2 * dt
    return x


def sample_dpm_2(model, x, sigmas):
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        d = (x - denoised) / sigmas[i]
        if sigmas[i + 1] == 0:
            x = x + d * (sigmas[i + 1] - sigmas[i])
        else:
            sigma_mid = math.exp(0.5 * (math.log(sigmas[i]) + math.log(sigmas[i + 1])))
            x_2 = x + d * (sigma_mid - sigmas[i])
            d_2 = (x_2 - model(x_2, sigma_mid)) / sigma_mid
            x = x + d_2 * (sigmas[i + 1] - sigmas[i])
    return x


def sample_dpmpp_2m(model, x, sigmas):
    old = None
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        t, t_next = -math.log(sigmas[i]), (-math.log(sigmas[i + 1]) if sigmas[i + 1] > 0 else math.inf)
        h = t_next - t
        if old is None or sigmas[i + 1] == 0:
            x = (math.exp(-t_next) / math.exp(-t)) * x - math.expm1(-h) * denoised
        else:
            r = (t + math.log(sigmas[i - 1])) / h
            denoised_d = (1 + 1 / (2 * r)) * denoised - (1 / (2 * r)) * old
            x = (math.exp(-t_next) / math.exp(-t)) * x - math.expm1(-h) * denoised_d
        old = denoised
    return x


def sample_dpmpp_2s_ancestral_eta0(model, x, sigmas):
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        if sigmas[i + 1] == 0:
            x = x + (x - denoised) / sigmas[i] * (0 - sigmas[i])
        else:
            t, t_next = -math.log(sigmas[i]), -math.log(sigmas[i + 1])
            h = t_next - t
            s = t + 0.5 * h
            x_2 = (math.exp(-s) / math.exp(-t)) * x - math.expm1(-h * 0.5) * denoised
            denoised_2 = model(x_2, math.exp(-s))
            x = (math.exp(-t_next) / math.exp(-t)) * x - math.expm1(-h) * denoised_2
    return x


def sample_dpmpp_3m_sde_eta0(model, x, sigmas):
    denoised_1 = denoised_2 = None
    h_1 = h_2 = None
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i])
        h = None
        if sigmas[i + 1] == 0:
            x = denoised
        else:
            t, s = -math.log(sigmas[i]), -math.log(sigmas[i + 1])
            h = s - t
            h_eta = h  # eta = 0
            x = math.exp(-h_eta) * x + (-math.expm1(-h_eta)) * denoised
            if h_2 is not None:
                r0, r1 = h_1 / h, h_2 / h
                d1_0 = (denoised - denoised_1) / r0
                d1_1 = (denoised_1 - denoised_2) / r1
                d1 = d1_0 + (d1_0 - d1_1) * r0 / (r0 + r1)
                d2 = (d1_0 - d1_1) / (r0 + r1)
                phi_2 = math.expm1(-h_eta) / h_eta + 1
                phi_3 = phi_2 / h_eta - 0.5
                x = x + phi_2 * d1 - phi_3 * d2
            elif h_1 is not None:
                d = (denoised - denoised_1) / (h_1 / h)
                x = x + (math.expm1(-h_eta) / h_eta + 1) * d
        denoised_1, denoised_2 = denoised, denoised_1
        h_1, h_2 = h, h_1
    return x


# ---------------------------------------------------------------------------------------------------- ComfyUI's uni_pc


def sample_unipc(model, x, sigmas, variant):
    """ComfyUI's uni_pc / uni_pc_bh2 (comfy/extra_samplers/uni_pc.py, sample_unipc over its UniPC class), written from
    its formulas: time is sigma itself (alpha = 1/sqrt(1 + s^2), std = s/sqrt(1 + s^2), lambda = -log s), the state is
    the VE state divided by sqrt(1 + sigma_0^2), a last sigma below 0.001 becomes 0.001, order min(3, len(sigmas) - 2),
    data prediction, the UniC corrector after every step but the last, lower_order_final, and the result divided by
    alpha of the last point. The data prediction is the VE denoiser at the VE state."""
    ts = [float(v) for v in sigmas]
    if ts[-1] < 0.001:
        ts[-1] = 0.001
    steps = len(ts) - 1
    order = min(3, len(ts) - 2)
    alpha = lambda s: 1.0 / math.sqrt(1.0 + s * s)  # noqa: E731
    std = lambda s: s / math.sqrt(1.0 + s * s)  # noqa: E731
    lam = lambda s: -math.log(s)  # noqa: E731
    data = lambda xv, s: model(xv / alpha(s), s)  # noqa: E731

    def update(x, models, times, t, k, use_corrector):
        h = lam(t) - lam(times[-1])
        rks, d1s = [], []
        for i in range(1, k):
            rk = (lam(times[-(i + 1)]) - lam(times[-1])) / h
            rks.append(rk)
            d1s.append((models[-(i + 1)] - models[-1]) / rk)
        rks.append(1.0)
        rks = np.array(rks)
        hh = -h
        h_phi_1 = math.expm1(hh)
        h_phi_k = h_phi_1 / hh - 1.0
        b_h = hh if variant == "bh1" else math.expm1(hh)
        rows, b, factorial = [], [], 1
        for i in range(1, k + 1):
            rows.append(rks ** (i - 1))
            b.append(h_phi_k * factorial / b_h)
            factorial *= i + 1
            h_phi_k = h_phi_k / hh - 1.0 / factorial
        rows, b = np.array(rows), np.array(b)
        base = (std(t) / std(times[-1])) * x - alpha(t) * h_phi_1 * models[-1]
        pred = 0.0
        if d1s:
            rhos_p = np.array([0.5]) if k == 2 else np.linalg.solve(rows[:-1, :-1], b[:-1])
            pred = sum(r * d for r, d in zip(rhos_p, d1s))
        x_t = base - alpha(t) * b_h * pred
        model_t = None
        if use_corrector:
            rhos_c = np.array([0.5]) if k == 1 else np.linalg.solve(rows, b)
            model_t = data(x_t, t)
            corr = sum(r * d for r, d in zip(rhos_c[:-1], d1s)) if d1s else 0.0
            x_t = base - alpha(t) * b_h * (corr + rhos_c[-1] * (model_t - models[-1]))
        return x_t, model_t

    x = x * alpha(ts[0])
    models, times = [data(x, ts[0])], [ts[0]]
    for index in range(1, steps):
        if index < order:
            x, m = update(x, models, times, ts[index], index, True)
            models.append(m if m is not None else data(x, ts[index]))
            times.append(ts[index])
            continue
        for step in range(index, index + 1 + (1 if index == steps - 1 else 0)):
            x, m = update(x, models, times, ts[step], min(order, steps + 1 - step), step != steps)
            models, times = models[1:] + models[-1:], times[1:] + [ts[step]]
            if step < steps:
                models[-1] = m if m is not None else data(x, ts[step])
    # A two-sigma segment (order 0) makes no update at all in ComfyUI, only the rescaling below; kept as it runs.
    return x / alpha(ts[-1])


K_SAMPLERS = {
    "sample_euler": sample_euler, "euler": sample_euler, "sample_heun": sample_heun, "heun": sample_heun,
    "sample_dpm_2": sample_dpm_2, "dpm_2": sample_dpm_2, "sample_dpmpp_2m": sample_dpmpp_2m, "dpmpp_2m": sample_dpmpp_2m,
    "sample_dpmpp_2s_ancestral": sample_dpmpp_2s_ancestral_eta0, "dpmpp_2s_ancestral": sample_dpmpp_2s_ancestral_eta0,
    "sample_dpmpp_3m_sde": sample_dpmpp_3m_sde_eta0, "dpmpp_3m_sde": sample_dpmpp_3m_sde_eta0,
    "uni_pc": lambda model, x, sigmas: sample_unipc(model, x, sigmas, "bh1"),
    "uni_pc_bh2": lambda model, x, sigmas: sample_unipc(model, x, sigmas, "bh2"),
}


# -------------------------------------------------------------------------------- diffusers' DPMSolverMultistepScheduler


def diffusers_dpmsolver(gmm: Gmm, noise, export):
    """DPMSolverMultistepScheduler (dpmsolver++ or dpmsolver; midpoint or heun) with set_timesteps(timesteps=...): its
    float32 betas, cumulative alphas and interpolated sigmas, its order ramp and lower_order_final rule. The state is
    kept in float64 (diffusers upcasts to float32), a difference far below the table's digits."""
    config = export["config"]
    order = config.get("solver_order", 2)
    plus = config.get("algorithm_type", "dpmsolver++") == "dpmsolver++"
    steps = 1000
    betas = np.linspace(1e-4, 0.02, steps, dtype=np.float32)
    acp = np.cumprod((1.0 - betas).astype(np.float32), dtype=np.float32)
    table = ((1 - acp) / acp) ** 0.5
    timesteps = np.array(export["timesteps"], dtype=np.int64)
    sigmas = np.interp(timesteps, np.arange(0, len(table)), table)
    last = ((1 - acp[0]) / acp[0]) ** 0.5 if config.get("final_sigmas_type", "zero") == "sigma_min" else 0.0
    sigmas = np.concatenate([sigmas, [last]]).astype(np.float32).astype(np.float64)

    def alpha_sigma(s):
        a = 1.0 / math.sqrt(s * s + 1.0)
        return a, s * a

    def lam(s):
        a, sg = alpha_sigma(s)
        return math.log(a) - math.log(sg) if sg > 0 else math.inf

    x = noise.copy()
    outputs: list = []
    lower_order_nums = 0
    n = len(timesteps)
    lower_final = config.get("lower_order_final", True)
    for i, ts in enumerate(timesteps):
        eps = gmm.eps_at_timestep(x, ts)
        a_s, s_s = alpha_sigma(sigmas[i])
        out = (x - s_s * eps) / a_s if plus else eps
        outputs = (outputs + [out])[-order:]
        final = i == n - 1 and ((lower_final and n < 15) or config.get("final_sigmas_type", "zero") == "zero")
        second = i == n - 2 and lower_final and n < 15
        a_t, s_t = alpha_sigma(sigmas[i + 1])
        h = lam(sigmas[i + 1]) - lam(sigmas[i])
        em = math.expm1(-h) if plus else math.expm1(h)
        if order == 1 or lower_order_nums < 1 or final:
            x = (s_t / s_s) * x - a_t * em * out if plus else (a_t / a_s) * x - s_t * em * out
        elif order == 2 or lower_order_nums < 2 or second:
            h0 = lam(sigmas[i]) - lam(sigmas[i - 1])
            d1 = (outputs[-1] - outputs[-2]) / (h0 / h)
            midpoint = config.get("solver_type", "midpoint") == "midpoint"
            if plus:
                x = (s_t / s_s) * x - a_t * em * outputs[-1] + (-0.5 * a_t * em if midpoint else a_t * (em / h + 1.0)) * d1
            else:
                x = (a_t / a_s) * x - s_t * em * outputs[-1] - (0.5 * s_t * em if midpoint else s_t * (em / h - 1.0)) * d1
        else:
            h0 = lam(sigmas[i]) - lam(sigmas[i - 1])
            h1 = lam(sigmas[i - 1]) - lam(sigmas[i - 2])
            r0, r1 = h0 / h, h1 / h
            d1_0 = (outputs[-1] - outputs[-2]) / r0
            d1_1 = (outputs[-2] - outputs[-3]) / r1
            d1 = d1_0 + (r0 / (r0 + r1)) * (d1_0 - d1_1)
            d2 = (d1_0 - d1_1) / (r0 + r1)
            if plus:
                x = (s_t / s_s) * x - a_t * em * outputs[-1] + a_t * (em / h + 1.0) * d1 - a_t * ((em + h) / h ** 2 - 0.5) * d2
            else:
                x = (a_t / a_s) * x - s_t * em * outputs[-1] - s_t * (em / h - 1.0) * d1 - s_t * ((em - h) / h ** 2 - 0.5) * d2
        lower_order_nums = min(lower_order_nums + 1, order)
    return x


# ------------------------------------------------------------------------------------------------------------ ComfyUI


def comfyui(model, noise, export, table: SigmaTable):
    """SplitSigmas segments, each through its own SamplerCustom (k-diffusion sampler, history restarted)."""
    sigmas = np.array(export["sigmas"], dtype=np.float32).astype(np.float64)
    x = None
    for k, segment in enumerate(export["segments"]):
        part = sigmas[segment["start"]:segment["end"] + 1]
        sampler = K_SAMPLERS.get(segment["sampler"])
        if sampler is None:
            return None  # not re-implemented here (deis, ipndm, lms): its row says "-"
        if k == 0:
            max_denoise = math.isclose(float(table.sigmas[-1]), part[0], rel_tol=1e-5) or part[0] > table.sigmas[-1]
            x = noise * (math.sqrt(1.0 + part[0] ** 2) if max_denoise else part[0])
        x = sampler(model, x, list(part))
    return x


def expected(export):
    """The score the tool itself expects this export to reach (its "expected" block), or why it has none."""
    block = export.get("expected")
    if block is None:
        return "not scored (--no-target-scores)"
    if block.get("this_export") is None:
        return "not scored: " + block.get("not_scored", "")
    return f"{block['this_export']:.4f}" + ("" if block.get("run_is_exact") else " (approximate run)")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--search", default=str(ROOT / "searches" / "quickstart.search.json"))
    parser.add_argument("--nfe", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1024)
    parser.add_argument("--db", help="a database where the search has already run (copied, not changed); default: run it into a fresh one")
    args = parser.parse_args(argv)
    spec = json.loads(Path(args.search).read_text())
    card = (Path(args.search).parent / spec["model"]).resolve()
    params = json.loads((card.parent / "params.json").read_text())
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        db = str(cwd / "bench.db")
        if args.db:
            shutil.copyfile(args.db, db)
        else:
            tool("run", args.search, "--db", db, cwd=cwd)
        tool("export", spec["name"], "--nfe", str(args.nfe), "--format", "all", "--out", str(cwd / "exports") + "/", "--db", db, cwd=cwd)
        summary = json.loads(tool("show", spec["name"], "--json", "--db", db, cwd=cwd))
        at_nfe = next(p for p in summary["per_nfe"] if p["nfe"] == args.nfe)
        exports = {p.name.split(".")[-2]: json.loads(p.read_text()) for p in (cwd / "exports").glob("*.json")}
        json_path = next((cwd / "exports").glob("*.schedule.json"))
        noise = np.random.default_rng(2026).standard_normal((args.rows, 64))
        np.save(cwd / "noise.npy", noise)
        teacher = spec["metric"]["teacher"]
        tool("schedule", "preset", teacher["preset"], "--model", str(card), "--nfe", str(teacher["nfe"]), "--spacing", teacher["spacing"], "--out", "teacher.json", cwd=cwd)
        tool("sample", "--model", str(card), "--schedule", "teacher.json", "--noise", "noise.npy", "--out", "teacher.npy", cwd=cwd)
        tool("sample", "--model", str(card), "--schedule", str(json_path), "--noise", "noise.npy", "--out", "tool.npy", cwd=cwd)
        teacher_x = np.load(cwd / "teacher.npy")
        exported = json.loads(json_path.read_text())
        ns = VpDiscrete(**{k: v for k, v in json.loads(card.read_text())["schedule"].items() if k != "kind"})
        gmm = Gmm(params, ns)
        table = SigmaTable()
        model = ve_model(gmm, table)
        rows = [("tool: schedule-search sample of the json export", teacher_rmse(np.load(cwd / "tool.npy"), teacher_x), exported["nfe"],
                 f"{at_nfe['best']['heldout']:.4f} (the search's held-out score)")]
        try:
            schedule = Schedule.load(json_path)  # with the statistics files the export wrote beside it
        except ScheduleError as e:
            # Say why the package cannot load the export rather than skip the row.
            rows.append((f"exact Python run (schedule_search): cannot load the schedule ({e.args[0].split(': ', 1)[-1]})", None, exported["nfe"]))
        else:
            exact = sample(schedule, gmm_denoiser(params, ns), initial_state(schedule, noise, ns), noise=ns)
            tool_x = np.load(cwd / "tool.npy")
            gap = float(np.linalg.norm(exact - tool_x) / np.linalg.norm(tool_x))
            rows.append((f"exact Python run (schedule_search, reference executor; relative L2 {gap:.1e} from the tool's samples)",
                         teacher_rmse(exact, teacher_x), schedule.nfe))
        k = exports["k-diffusion"]
        k_sigmas = list(np.array(k["sigmas"], dtype=np.float32).astype(np.float64))
        if k["sampler"] in K_SAMPLERS:
            x = K_SAMPLERS[k["sampler"]](model, noise * math.sqrt(1.0 + k_sigmas[0] ** 2), k_sigmas)
            rows.append((f"k-diffusion export: {k['sampler']} {json.dumps(k['extra_args'])}, start noise*sqrt(1+sigma_0^2)", teacher_rmse(x, teacher_x), k["nfe"], expected(k)))
            x = K_SAMPLERS[k["sampler"]](model, noise * k_sigmas[0], k_sigmas)
            rows.append((f"k-diffusion export, started the usual way (noise * sigmas[0])", teacher_rmse(x, teacher_x), k["nfe"]))
        d = exports["diffusers"]
        if d["scheduler"] == "DPMSolverMultistepScheduler" and d.get("timesteps"):
            rows.append((f"diffusers export: DPMSolverMultistepScheduler order {d['config']['solver_order']}, timesteps={d['timesteps']}",
                         teacher_rmse(diffusers_dpmsolver(gmm, noise, d), teacher_x), d["nfe"], expected(d)))
        c = exports["comfyui"]
        x = comfyui(model, noise, c, table)
        segments = " + ".join(f"{s['sampler']}[{s['start']}..{s['end']}]" for s in c["segments"])
        rows.append((f"ComfyUI export: {segments}", teacher_rmse(x, teacher_x) if x is not None else None, c["nfe"], expected(c)))
        baseline = at_nfe["best_baseline"]
        preset = baseline["name"].split(" (")[0]
        (cwd / "baseline-t.json").write_text(json.dumps([float(t) for t in baseline["timesteps"]]))
        tool("schedule", "preset", preset, "--model", str(card), "--timesteps", "baseline-t.json", "--out", "baseline.json", cwd=cwd)
        tool("sample", "--model", str(card), "--schedule", "baseline.json", "--noise", "noise.npy", "--out", "baseline.npy", cwd=cwd)
        rows.append((f"best classic solver the search scored: {baseline['name']}", teacher_rmse(np.load(cwd / "baseline.npy"), teacher_x), args.nfe,
                     f"{baseline['heldout']:.4f} (the search's held-out score)"))
        print(f"search's own held-out scores ({spec['metric'].get('heldout', {}).get('samples')} samples): best {at_nfe['best']['heldout']}, "
              f"best baseline {baseline['heldout']} ({baseline['name']})")
        print("exported schedule:", json.dumps(json.loads(json_path.read_text())["steps"]), json.loads(json_path.read_text()).get("options"))
        print(f"| run | teacher-mean-rmse ({args.rows} fresh samples, seed 2026) | the tool's `expected` (export, held-out set) | model calls |")
        print("|---|---|---|---|")
        for name, value, calls, *tool_expected in rows:
            print(f"| {name} | {'-' if value is None else f'{value:.4f}'} | {tool_expected[0] if tool_expected else ''} | {calls} |")


if __name__ == "__main__":
    main()
