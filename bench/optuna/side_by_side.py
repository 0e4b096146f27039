"""Optuna side by side with ScheduleSearch on the issue-20 suite (bench/BENCHMARKS.md).

The suite bench writes each problem with ``--write DIR`` (params.json, stats.npz, the scoring and held-out noise, the
teacher's samples on each and the best baseline per NFE and metric); this script reads them, so the mixtures, the
noise, the teacher and the baseline are the tool's own. Candidates run through the Python package's reference
executor (``schedule_search.sample``, the tool's arithmetic formula for formula) on the exact mixture posterior mean.

The Optuna side (one study per problem, metric, NFE and seed):

- timesteps: NFE + 1 unconstrained logits ``z``; ``softmax(z)`` splits the log-SNR interval between the baseline's
  first and last point into increments, so every point set is strictly monotone and the ends are the baseline's.
  A schedule without the analytical first step has NFE steps: the first two increments then form its first step.
  Sampled by Optuna's ``CmaEsSampler`` (started at the best baseline's increments, sigma0 0.5).
- per-step decisions, by ``TPESampler`` as the CMA-ES sampler's independent sampler (CMA-ES cannot take
  categorical parameters; Optuna hands every parameter outside its relative space to the independent sampler):
  ``template`` (``baseline``: the best baseline's steps, e.g. iPNDM, on the new timesteps, as the tool keeps a
  baseline's decisions; ``free``: the decisions below), ``afs`` (none, zero-x0, mean-x0), and per step prediction
  (data, noise), order (1-3, lowered to the history available), derivative (dpm-solver, taylor, unipc-bh1, unipc-bh2)
  and corrector (none, unic; none on the last step). All steps are multistep, so every candidate costs exactly NFE
  evaluations; the tool's space also has singlestep steps, whose cost depends on their order (a conditional
  structure with a variable number of timesteps, which a fixed-dimension CMA-ES cannot search).
- trial 0 is the best baseline itself (enqueued); the tool spends its first ~44 evaluations on the baselines, Optuna
  is given the winner for free.

Usage (Debian's python3 with python3-optuna and python3-numpy)::

    /usr/bin/python3 bench/optuna/side_by_side.py --suite /tmp/suite --trials 600 --checkpoints 600 \
        --metrics teacher-rmse,teacher-mean-rmse --nfe 5 --seed 0 --jobs 2 --out /tmp/optuna \
        --tool /tmp/tool600/results.jsonl:600 --tool /tmp/tool1500/results.jsonl:1500

``--tool`` is the suite bench's results.jsonl on the same problems (rows of the same NFE, metric and seed); ``:N``
keeps only its rows at N evaluations, so a search given budget 600 and one given 1500 each give their own column (the
default strategy plans its phases on the budget, so a 1500 search's 600th evaluation is not a 600 search's result).
Without it only Optuna's columns are printed. ``--table-only`` prints the table from ``--out``'s optuna.jsonl without running.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per study: --jobs sets the parallelism

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

from schedule_search import Schedule, gmm_denoiser, initial_state, sample  # noqa: E402
from schedule_search.schedule import load_statistics  # noqa: E402

PREDICTIONS = ["data", "noise"]
ORDERS = [1, 2, 3]
DERIVATIVES = ["dpm-solver", "taylor", "unipc-bh1", "unipc-bh2"]
CORRECTORS = ["none", "unic"]
AFS = ["none", "zero-x0", "mean-x0"]
LOGIT_RANGE = 6.0
SIGMA0 = 0.5
FAILED = 1e6


# ------------------------------------------------------------------------------------------------ problem and scoring


def rmse(x: np.ndarray, teacher: np.ndarray) -> float:
    """teacher-rmse: sqrt(mean over samples and values of (x - teacher)^2)."""
    return float(np.sqrt(np.mean((x - teacher) ** 2)))


def mean_rmse(x: np.ndarray, teacher: np.ndarray) -> float:
    """teacher-mean-rmse: the mean over samples of each sample's RMSE."""
    return float(np.mean(np.sqrt(np.mean((x - teacher) ** 2, axis=1))))


METRICS = {"teacher-rmse": rmse, "teacher-mean-rmse": mean_rmse}


def fast_gmm_denoiser(params: dict, ns):
    """The exact posterior mean E[x0 | x_t] of a diagonal mixture, as schedule_search.gmm_denoiser, with the squared
    distances expanded into matrix products ([B, D] x [D, K]) instead of a [B, K, D] tensor: 20-50x faster on the suite's
    larger mixtures, equal to gmm_denoiser to rounding (test_side_by_side.py checks the scores to 1e-9 relative)."""
    weights, means, variances = (np.asarray(params[k], dtype=np.float64) for k in ("weights", "means", "variances"))

    def denoise(x, t):
        xb = x / ns.alpha(t)
        total = variances + ns.ve_sigma(t) ** 2  # [K, D]
        inverse = 1.0 / total
        scaled_means = means * inverse
        constant = np.log(weights) - 0.5 * (np.sum(means * scaled_means, axis=1) + np.sum(np.log(2 * np.pi * total), axis=1))
        log_p = constant[None, :] - 0.5 * ((xb * xb) @ inverse.T) + xb @ scaled_means.T  # [B, K]
        log_p -= log_p.max(axis=1, keepdims=True)
        r = np.exp(log_p)
        r /= r.sum(axis=1, keepdims=True)
        shrink = variances * inverse  # [K, D]: posterior mean = means + shrink (xb - means)
        return r @ (means - shrink * means) + xb * (r @ shrink)

    return denoise


class Problem:
    """One suite problem as the tool wrote it: the mixture, its statistics, both noise sets and the teacher on each."""

    def __init__(self, folder: Path, reference: bool = False):
        self.folder = folder
        self.reference = reference  # True: the package's gmm_denoiser (slow, for the check)
        self.name = folder.name
        self.params = json.loads((folder / "params.json").read_text())
        self.statistics = load_statistics(str(folder / "stats.npz"))
        self.noise = {False: np.load(folder / "noise.npy"), True: np.load(folder / "heldout-noise.npy")}
        self.teacher = {False: np.load(folder / "teacher.npy"), True: np.load(folder / "heldout-teacher.npy")}
        self._denoisers = {}

    def baseline(self, nfe: int, metric: str) -> dict:
        return json.loads((self.folder / f"nfe{nfe}-{metric}.baseline.json").read_text())

    def run(self, schedule: dict, held_out: bool = False) -> np.ndarray:
        """The schedule's samples on the scoring (or held-out) noise: the reference executor on the exact mixture."""
        parsed = Schedule.parse(schedule)
        parsed.statistics = self.statistics
        ns = parsed.noise_schedule()
        parsed.validate(ns)
        key = parsed.time
        if key not in self._denoisers:
            self._denoisers[key] = (gmm_denoiser if self.reference else fast_gmm_denoiser)(self.params, ns)
        x = initial_state(parsed, self.noise[held_out], ns)
        return sample(parsed, self._denoisers[key], x, noise=ns)

    def score(self, schedule: dict, metric: str, held_out: bool = False) -> float:
        return METRICS[metric](self.run(schedule, held_out), self.teacher[held_out])


# ------------------------------------------------------------------------------------------------------- candidates


def baseline_logits(baseline: dict, nfe: int, ns) -> list[float]:
    """The logits whose timesteps are the baseline's (its first increment split in two halves), centred on 0."""
    lams = [ns.lam(t) for t in baseline["timesteps"]]
    increments = [b - a for a, b in zip(lams, lams[1:])]
    if len(increments) != nfe:
        raise ValueError(f"baseline {baseline['name']} has {len(increments)} steps at NFE {nfe}")
    z = [math.log(increments[0] / 2)] * 2 + [math.log(d) for d in increments[1:]]
    mean = sum(z) / len(z)
    return [v - mean for v in z]


def timesteps(z: list[float], steps: int, t_start: float, t_end: float, ns) -> list[float]:
    """Strictly descending points from t_start to t_end at log-SNR increments softmax(z); NFE steps merge the first two."""
    top = max(z)
    weights = [math.exp(v - top) for v in z]
    if steps == len(z) - 1:
        weights = [weights[0] + weights[1]] + weights[2:]
    total = sum(weights)
    lam_start, lam_end = ns.lam(t_start), ns.lam(t_end)
    points, acc = [t_start], 0.0
    for w in weights[:-1]:
        acc += w / total
        points.append(ns.inverse_lambda(lam_start + acc * (lam_end - lam_start)))
    points.append(t_end)
    return points


def candidate(params: dict, baseline: dict, nfe: int, ns) -> dict:
    """The schedule a trial's parameters stand for (params: z0..z{nfe}, template, afs, s{i}_pred/order/deriv/corr)."""
    z = [params[f"z{j}"] for j in range(nfe + 1)]
    t_start, t_end = baseline["timesteps"][0], baseline["timesteps"][-1]
    if params["template"] == "baseline":
        return {**baseline, "name": "optuna (baseline steps)", "timesteps": timesteps(z, nfe, t_start, t_end, ns)}
    afs = params["afs"]
    count = nfe + 1 if afs != "none" else nfe
    steps = []
    for i in range(count):
        last = i == count - 1
        steps.append({
            "method": "multistep",
            "order": min(params[f"s{i}_order"], i + 1),
            "prediction": params[f"s{i}_pred"],
            "derivative": params[f"s{i}_deriv"],
            "corrector": "none" if last else params[f"s{i}_corr"],
        })
    return {"format": "schedule-search/schedule@1", "name": "optuna", "time": baseline["time"],
            "timesteps": timesteps(z, count, t_start, t_end, ns), "steps": steps, "options": {"afs": afs}}


def suggest(trial, nfe: int) -> dict:
    """Asks the trial for every parameter of its structure (the decisions only where the template is free)."""
    params = {f"z{j}": trial.suggest_float(f"z{j}", -LOGIT_RANGE, LOGIT_RANGE) for j in range(nfe + 1)}
    params["template"] = trial.suggest_categorical("template", ["baseline", "free"])
    if params["template"] == "free":
        params["afs"] = trial.suggest_categorical("afs", AFS)
        count = nfe + 1 if params["afs"] != "none" else nfe
        for i in range(count):
            params[f"s{i}_pred"] = trial.suggest_categorical(f"s{i}_pred", PREDICTIONS)
            params[f"s{i}_order"] = trial.suggest_categorical(f"s{i}_order", ORDERS)
            params[f"s{i}_deriv"] = trial.suggest_categorical(f"s{i}_deriv", DERIVATIVES)
            if i < count - 1:
                params[f"s{i}_corr"] = trial.suggest_categorical(f"s{i}_corr", CORRECTORS)
    return params


# ------------------------------------------------------------------------------------------------------------ study


def run_study(folder: str, metric: str, nfe: int, seed: int, trials: int, checkpoints: list[int]) -> list[dict]:
    """One Optuna study; its best at each checkpoint (lowest scoring value so far) re-scored on the held-out set."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    problem = Problem(Path(folder))
    baseline = problem.baseline(nfe, metric)
    ns = Schedule.parse(baseline).noise_schedule()
    x0 = baseline_logits(baseline, nfe, ns)
    if max(abs(v) for v in x0) >= LOGIT_RANGE:
        raise ValueError(f"{problem.name}: the baseline's logits {x0} leave the search box +/-{LOGIT_RANGE}")
    tpe = optuna.samplers.TPESampler(seed=seed)
    sampler = optuna.samplers.CmaEsSampler(x0={f"z{j}": v for j, v in enumerate(x0)}, sigma0=SIGMA0, seed=seed,
                                           independent_sampler=tpe, warn_independent_sampling=False)
    study = optuna.create_study(sampler=sampler, direction="minimize")
    study.enqueue_trial({**{f"z{j}": v for j, v in enumerate(x0)}, "template": "baseline"})
    schedules: dict[int, dict] = {}

    def objective(trial):
        params = suggest(trial, nfe)
        schedule = baseline if trial.number == 0 else candidate(params, baseline, nfe, ns)
        schedules[trial.number] = schedule
        try:
            value = problem.score(schedule, metric)
        except (ValueError, FloatingPointError) as error:
            trial.set_user_attr("error", str(error))
            return FAILED
        return value if math.isfinite(value) else FAILED

    started = time.perf_counter()
    rows, done = [], 0
    baseline_score = problem.score(baseline, metric)
    baseline_held = problem.score(baseline, metric, held_out=True)
    for checkpoint in sorted(checkpoints):
        study.optimize(objective, n_trials=checkpoint - done)
        done = checkpoint
        best = min(study.trials[:checkpoint], key=lambda t: t.value)
        held = problem.score(schedules[best.number], metric, held_out=True)
        rows.append({"tool": "optuna", "problem": problem.name, "metric": metric, "nfe": nfe, "seed": seed,
                     "evaluations": checkpoint, "baseline": baseline["name"], "baseline_score": baseline_score,
                     "baseline_heldout": baseline_held, "score": best.value, "heldout": held, "best_trial": best.number,
                     "seconds": time.perf_counter() - started, "schedule": schedules[best.number]})
        print(f"{problem.name} {metric} nfe {nfe} seed {seed} @{checkpoint}: baseline {baseline_score:.5g} "
              f"(held-out {baseline_held:.5g}); best {best.value:.5g} (held-out {held:.5g}, trial {best.number}); "
              f"reduction {1 - best.value / baseline_score:.1%} / held-out {1 - held / baseline_held:.1%}; "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    return rows


# ------------------------------------------------------------------------------------------------------------ table


def median(values: list[float]) -> float:
    values = sorted(v for v in values if math.isfinite(v))
    if not values:
        return math.nan
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else 0.5 * (values[mid - 1] + values[mid])


def reduction(row: dict | None) -> float:
    return math.nan if row is None else 1.0 - row["heldout"] / row["baseline_heldout"]


def table(optuna_rows: list[dict], tool_rows: list[dict]) -> str:
    """Per problem and metric: both tools' held-out reduction vs the best classic solver at each checkpoint; medians."""
    def key(r):
        return (r["problem"], r["metric"], r["nfe"], r["seed"], r["evaluations"])

    tool = {key(r): r for r in tool_rows}
    ours = {key(r): r for r in optuna_rows}
    checkpoints = sorted({r["evaluations"] for r in optuna_rows} | {r["evaluations"] for r in tool_rows
                                                                      if (r["problem"], r["metric"], r["nfe"], r["seed"])
                                                                      in {k[:4] for k in ours}})
    groups = sorted({k[:4] for k in ours}, key=lambda k: (k[1], k[2], k[3], int(k[0].split("-")[1][1:])))
    header = "| problem | metric | NFE | seed | best classic solver (held-out) | " + " | ".join(
        f"ScheduleSearch @{c} | Optuna @{c}" for c in checkpoints) + " |"
    lines = [header, "|" + "---|" * (5 + 2 * len(checkpoints))]
    for g in groups:
        first = next(r for r in optuna_rows if key(r)[:4] == g)
        cells = []
        for c in checkpoints:
            cells += [f"{reduction(tool.get(g + (c,))):.1%}", f"{reduction(ours.get(g + (c,))):.1%}"]
        lines.append(f"| {g[0]} | {g[1]} | {g[2]} | {g[3]} | {first['baseline']} ({first['baseline_heldout']:.4g}) | "
                     + " | ".join(cells).replace("nan%", "-") + " |")
    for metric in sorted({g[1] for g in groups}):
        for nfe in sorted({g[2] for g in groups if g[1] == metric}):
            cells = []
            for c in checkpoints:
                members = [g for g in groups if g[1] == metric and g[2] == nfe]
                cells += [f"**{median([reduction(tool.get(g + (c,))) for g in members]):.1%}**",
                          f"**{median([reduction(ours.get(g + (c,))) for g in members]):.1%}**"]
            lines.append(f"| median ({len(members)} runs) | {metric} | {nfe} | | | " + " | ".join(cells).replace("nan%", "-") + " |")
    gaps = [abs(tool[k]["baseline_heldout"] / ours[k]["baseline_heldout"] - 1) for k in ours if k in tool]
    if gaps:
        lines.append("")
        lines.append(f"Best baseline's held-out score, Python executor vs the tool: largest relative difference {max(gaps):.2e} "
                     f"over {len(gaps)} rows.")
    return "\n".join(lines)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", required=True, help="the folder the suite bench wrote with --write")
    parser.add_argument("--problems", default="all", help="all, or names separated by commas")
    parser.add_argument("--metrics", default="teacher-rmse,teacher-mean-rmse")
    parser.add_argument("--nfe", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trials", type=int, default=600)
    parser.add_argument("--checkpoints", default="", help="earlier trial counts to report (the last is --trials)")
    parser.add_argument("--jobs", type=int, default=1, help="studies run side by side (processes)")
    parser.add_argument("--out", required=True, help="folder for optuna.jsonl (appended: one line per study and checkpoint)")
    parser.add_argument("--tool", action="append", default=[], metavar="RESULTS[:EVALUATIONS]",
                        help="the suite bench's results.jsonl on the same problems; with :N only its rows at N evaluations "
                             "(a search given budget N, not a checkpoint of a longer one); repeatable")
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args(argv)
    suite, out = Path(args.suite), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = out / "optuna.jsonl"
    if not args.table_only:
        names = sorted((p.name for p in suite.iterdir() if (p / "params.json").exists()),
                       key=lambda n: int(n.split("-")[1][1:])) if args.problems == "all" else args.problems.split(",")
        checkpoints = sorted({int(c) for c in args.checkpoints.split(",") if c and int(c) < args.trials} | {args.trials})
        jobs = [(str(suite / n), m, args.nfe, args.seed, args.trials, checkpoints) for n in names for m in args.metrics.split(",")]
        with ProcessPoolExecutor(max_workers=args.jobs) as pool, results.open("a") as f:
            for rows in pool.map(run_study, *zip(*jobs)):
                for row in rows:
                    f.write(json.dumps(row) + "\n")
                f.flush()
    tool_rows = []
    for spec in args.tool:
        path, _, evaluations = spec.partition(":")
        tool_rows += [r for r in read_jsonl(Path(path)) if r["nfe"] == args.nfe and r["seed"] == args.seed
                      and (not evaluations or r["evaluations"] == int(evaluations))]
    print(table([r for r in read_jsonl(results) if r["nfe"] == args.nfe and r["seed"] == args.seed], tool_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
