#!/usr/bin/python3
"""Model zoo trainer: small Fashion-MNIST networks for ScheduleSearch (issue 8).

Offline tool, NOT part of the build or the tests. It needs Debian's system python3 with
python3-torch, python3-onnx and libopenblas0-pthread, and the dataset-fashion-mnist package:

    apt-get install -y python3-torch python3-onnx libopenblas0-pthread dataset-fashion-mnist

Run with Debian's interpreter (/usr/bin/python3, not a pyenv python3 earlier on PATH), one
thread, niced, one model at a time, from the repository root:

    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
      nice -n 19 /usr/bin/python3 tools/modelzoo/train.py MODEL [--minutes M] [--steps S] [--seed N]

MODEL is one of
    fashion-classifier  small CNN; exports the 128-feature penultimate layer as features.onnx
                        (plus classifier.onnx with the logits) and the test set's feature
                        statistics features_mean.npy [128], features_cov.npy [128, 128] (float64)
    fashion-unet-eps    UNet, epsilon prediction, VP discrete linear betas 1e-4..0.02 over 1000
                        steps, class-conditional (label 10 = "no class", 10% label dropout)
    fashion-unet-v      UNet, v prediction, VP discrete squaredcos_cap_v2 over 1000 steps, unconditional
    fashion-flow        UNet, rectified-flow velocity u = eps - x0 with x_t = (1-t) x0 + t eps, unconditional

Each diffusion model is written to models/MODEL/ as model.onnx (opset 17, dynamic batch,
float32 inputs, outputs and arithmetic; weights stored as float16 behind Cast nodes to halve the file), model.json (schedule-search/model@1 card) and README.md (command, seed, steps, wall
time, final loss). Training stops after --steps optimiser steps or --minutes of CPU time
(--limit cpu, the default, capped by --max-wall-minutes of wall time; --limit wall counts wall time),
whichever comes first; the README records what actually ran. Weights exported are the EMA
weights (decay 0.999, warmed up).

Conventions, matching FORMATS.md / SOLVERS.md section 1:
  * data: images scaled to [-1, 1], sample shape [1, 28, 28] (NCHW with a free batch axis);
  * vp-discrete models are trained on integer steps n = 0..999 with alphabar_n = prod (1 - beta_k),
    k <= n, and receive the float n (time_convention discrete-index: 1000 (t - 1/N));
  * the flow model receives t in [0, 1] (time_convention continuous-t, time_scale 1);
  * inputs are named x, t (float32 [B]) and y (int64 [B], conditional model only); output "out".

The samples.png grids are drawn from the exported ONNX files through the C# stack (Core's Sampler,
OnnxDenoiser), not by this script:

    dotnet run --project bench/ScheduleSearch.Bench.Zoo -c Release -- grid MODEL
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


# ---------------------------------------------------------------------------------------------
# data


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(f"{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 127.5 - 1.0
    labels = read_idx(f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)


# ---------------------------------------------------------------------------------------------
# schedules


def betas_for(kind, n=1000, start=1e-4, end=0.02):
    if kind == "linear":
        return np.linspace(start, end, n, dtype=np.float64)
    if kind == "squaredcos_cap_v2":
        def abar(t):
            return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        return np.array([min(1 - abar((i + 1) / n) / abar(i / n), 0.999) for i in range(n)], dtype=np.float64)
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# networks


def timestep_embedding(t, dim, max_period=10000.0):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.n1 = nn.GroupNorm(8, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout)
        self.n2 = nn.GroupNorm(8, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = self.c1(F.silu(self.n1(x)))
        h = h + self.t(emb)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return h + self.skip(x)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = nn.GroupNorm(8, c)
        self.qkv = nn.Conv2d(c, 3 * c, 1)
        self.out = nn.Conv2d(c, c, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, c, h * w).unbind(1)
        a = torch.softmax(torch.einsum("bci,bcj->bij", q, k) / math.sqrt(c), dim=-1)
        o = torch.einsum("bij,bcj->bci", a, v).reshape(b, c, h, w)
        return x + self.out(o)


class UNet(nn.Module):
    """Patch-2 UNet: a 2x2 pixel unshuffle takes 28x28x1 to 14x14x4, the network works at 14x14
    (c1 channels) and 7x7 (c2 channels, with self-attention), and a pixel shuffle returns 28x28.
    Time (and class) enter every residual block through a shared embedding."""

    def __init__(self, c1=64, c2=128, temb=128, num_classes=None):
        super().__init__()
        self.temb = temb
        self.time_mlp = nn.Sequential(nn.Linear(temb, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.label = nn.Embedding(num_classes + 1, temb) if num_classes else None
        self.inp = nn.Conv2d(4, c1, 3, padding=1)
        self.d1 = ResBlock(c1, c1, temb)
        self.down = nn.Conv2d(c1, c1, 3, stride=2, padding=1)  # 14 -> 7
        self.d2 = ResBlock(c1, c2, temb)
        self.m1 = ResBlock(c2, c2, temb)
        self.attn = Attention(c2)
        self.m2 = ResBlock(c2, c2, temb)
        self.u2 = ResBlock(c2 + c2, c2, temb)
        self.up = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c2, c1, 3, padding=1))
        self.u1 = ResBlock(c1 + c1, c1, temb)
        self.out_norm = nn.GroupNorm(8, c1)
        self.out = nn.Conv2d(c1, 4, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x, t, y=None):
        emb = self.time_mlp(timestep_embedding(t, self.temb))
        if self.label is not None:
            emb = emb + self.label(y)
        emb = F.silu(emb)
        h = self.inp(F.pixel_unshuffle(x, 2))
        h1 = self.d1(h, emb)
        h = self.down(h1)
        h2 = self.d2(h, emb)
        h = self.m1(h2, emb)
        h = self.attn(h)
        h = self.m2(h, emb)
        h = self.u2(torch.cat([h, h2], 1), emb)
        h = self.up(h)
        h = self.u1(torch.cat([h, h1], 1), emb)
        return F.pixel_shuffle(self.out(F.silu(self.out_norm(h))), 2)


class Classifier(nn.Module):
    def __init__(self, features=128):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 14
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),  # 7
            nn.Conv2d(64, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(), nn.MaxPool2d(2),  # 3
            nn.Flatten(), nn.Dropout(0.3), nn.Linear(128 * 9, features), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(features, 10))

    def forward(self, x):
        return self.head(self.body(x))


class Features(nn.Module):
    def __init__(self, classifier):
        super().__init__()
        self.body = classifier.body

    def forward(self, x):
        return self.body(x)


# ---------------------------------------------------------------------------------------------
# training


class Ema:
    def __init__(self, model, decay=0.999):
        self.decay = decay
        self.steps = 0
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model):
        self.steps += 1
        d = min(self.decay, (1 + self.steps) / (10 + self.steps))
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.shadow[k].copy_(v)


def out_of_time(args, start, cpu0):
    """--limit wall: --minutes of wall time; --limit cpu: --minutes of this process's CPU time (fair on a shared,
    busy machine where a niced job gets a varying share), capped at --max-wall-minutes of wall time."""
    wall = time.time() - start
    if args.limit == "wall":
        return wall >= args.minutes * 60
    return time.process_time() - cpu0 >= args.minutes * 60 or wall >= args.max_wall_minutes * 60


def param_count(model):
    return sum(p.numel() for p in model.parameters())


def export(model, args, names, path, dynamic, half_weights=False):
    model.eval()
    torch.onnx.export(model, args, path, opset_version=17, input_names=names[0], output_names=names[1],
                      dynamic_axes=dynamic, do_constant_folding=True)
    if half_weights:
        store_weights_as_float16(path)


def store_weights_as_float16(path, min_size=256):
    """Halves the file: every float32 initializer of at least min_size values is stored as float16 and
    turned back into float32 by a Cast node (folded once when ONNX Runtime loads the graph), so inputs,
    outputs and all arithmetic stay float32."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    m = onnx.load(path)
    g = m.graph
    casts = []
    for init in list(g.initializer):
        if init.data_type != TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(init)
        if arr.size < min_size:
            continue
        half = numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16")
        g.initializer.remove(init)
        g.initializer.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT, name=init.name + "__cast"))
    for node in reversed(casts):
        g.node.insert(0, node)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def diffusion_loss(kind, net, x0, y, abar, gen):
    b = x0.shape[0]
    eps = torch.randn(x0.shape, generator=gen)
    if kind == "fashion-flow":
        # logit-normal-ish emphasis is not needed at this size: uniform t in [0, 1].
        t = torch.rand(b, generator=gen)
        tt = t[:, None, None, None]
        xt = (1 - tt) * x0 + tt * eps
        target = eps - x0
        return F.mse_loss(net(xt, t), target)
    n = torch.randint(0, 1000, (b,), generator=gen)
    a = abar[n].sqrt()[:, None, None, None]
    s = (1 - abar[n]).sqrt()[:, None, None, None]
    xt = a * x0 + s * eps
    if kind == "fashion-unet-eps":
        drop = torch.rand(b, generator=gen) < 0.1
        yy = torch.where(drop, torch.full_like(y, 10), y)
        return F.mse_loss(net(xt, n.float(), yy), eps)
    target = a * eps - s * x0  # v
    return F.mse_loss(net(xt, n.float()), target)


def card(name, schedule, conditional, parameterization, convention):
    inputs = {"sample": "x", "time": "t", "time_convention": convention, "class": "y" if conditional else None}
    return {
        "format": "schedule-search/model@1",
        "name": name,
        "onnx": "model.onnx",
        "schedule": schedule,
        "inputs": inputs,
        "output": {"name": "out", "parameterization": parameterization},
        "sample_shape": [1, 28, 28],
        "guidance": {"class_input": "y", "num_classes": 10, "null_class": 10} if conditional else None,
        "statistics": None,
    }


def train_diffusion(kind, args, out):
    gen = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    images, labels = load("train")
    conditional = kind == "fashion-unet-eps"
    net = UNet(c1=args.c1, c2=args.c2, num_classes=10 if conditional else None)
    if args.init:
        # Continue from an earlier run's exported (EMA) weights; the optimiser state and the EMA start afresh.
        net.load_state_dict(torch.load(args.init))
    ema = Ema(net, 0.999)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.0)
    if kind == "fashion-unet-eps":
        betas, schedule = betas_for("linear"), {"kind": "vp-discrete", "betas": "linear", "beta_start": 0.0001, "beta_end": 0.02, "train_steps": 1000}
    elif kind == "fashion-unet-v":
        betas, schedule = betas_for("squaredcos_cap_v2"), {"kind": "vp-discrete", "betas": "squaredcos_cap_v2", "beta_start": 0.0001, "beta_end": 0.02, "train_steps": 1000}
    else:
        betas, schedule = None, {"kind": "flow"}
    abar = torch.from_numpy(np.cumprod(1 - betas)).float() if betas is not None else None
    print(f"{kind}: {param_count(net)} parameters", flush=True)
    start, cpu0 = time.time(), time.process_time()
    step, running, losses = 0, None, []
    warmup = 200
    while step < args.steps and not out_of_time(args, start, cpu0):
        idx = torch.randint(0, images.shape[0], (args.batch,), generator=gen)
        x0 = images[idx]
        if torch.rand(1, generator=gen).item() < 0.5:
            x0 = x0.flip(3)  # horizontal flip keeps garments garments
        lr = args.lr * min(1.0, (step + 1) / warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        loss = diffusion_loss(kind, net, x0, labels[idx], abar, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        ema.update(net)
        step += 1
        losses.append(loss.item())
        running = loss.item() if running is None else 0.99 * running + 0.01 * loss.item()
        if step % 100 == 0:
            print(f"step {step} loss {running:.4f} elapsed {time.time() - start:.0f}s", flush=True)
    wall, cpu = time.time() - start, time.process_time() - cpu0
    final = float(np.mean(losses[-200:]))
    net.load_state_dict(ema.shadow)
    net.eval()
    os.makedirs(out, exist_ok=True)
    x = torch.randn(2, 1, 28, 28)
    t = torch.tensor([10.0, 500.0]) if kind != "fashion-flow" else torch.tensor([0.1, 0.7])
    if conditional:
        export(net, (x, t, torch.tensor([1, 10])), (["x", "t", "y"], ["out"]), os.path.join(out, "model.onnx"),
               {"x": {0: "batch"}, "t": {0: "batch"}, "y": {0: "batch"}, "out": {0: "batch"}}, half_weights=True)
    else:
        export(net, (x, t), (["x", "t"], ["out"]), os.path.join(out, "model.onnx"),
               {"x": {0: "batch"}, "t": {0: "batch"}, "out": {0: "batch"}}, half_weights=True)
    param = {"fashion-unet-eps": "epsilon", "fashion-unet-v": "v", "fashion-flow": "flow"}[kind]
    convention = "continuous-t" if kind == "fashion-flow" else "discrete-index"
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(card(kind, schedule, conditional, param, convention), f, indent=2)
        f.write("\n")
    torch.save(ema.shadow, os.path.join("/tmp", f"{kind}.pt"))
    return {"parameters": param_count(net), "steps": step, "wall": wall, "cpu": cpu, "loss": final, "batch": args.batch}


def evaluate(model, images, labels):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, images.shape[0], 1000):
            correct += (model(images[i:i + 1000]).argmax(1) == labels[i:i + 1000]).sum().item()
    return correct / images.shape[0]


def train_classifier(args, out):
    gen = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    images, labels = load("train")
    test_images, test_labels = load("test")
    net = Classifier(128)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    total = args.steps
    start, cpu0 = time.time(), time.process_time()
    step, losses = 0, []
    while step < total and not out_of_time(args, start, cpu0):
        net.train()
        idx = torch.randint(0, images.shape[0], (args.batch,), generator=gen)
        x = images[idx]
        if torch.rand(1, generator=gen).item() < 0.5:
            x = x.flip(3)
        lr = args.lr * 0.5 * (1 + math.cos(math.pi * step / total))
        for g in opt.param_groups:
            g["lr"] = lr
        loss = F.cross_entropy(net(x), labels[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        losses.append(loss.item())
        if step % 200 == 0:
            print(f"step {step} loss {np.mean(losses[-200:]):.4f} elapsed {time.time() - start:.0f}s", flush=True)
    wall, cpu = time.time() - start, time.process_time() - cpu0
    accuracy = evaluate(net, test_images, test_labels)
    print(f"test accuracy {accuracy:.4f}", flush=True)
    os.makedirs(out, exist_ok=True)
    net.eval()
    x = torch.randn(2, 1, 28, 28)
    export(Features(net), (x,), (["x"], ["features"]), os.path.join(out, "features.onnx"),
           {"x": {0: "batch"}, "features": {0: "batch"}})
    export(net, (x,), (["x"], ["logits"]), os.path.join(out, "classifier.onnx"),
           {"x": {0: "batch"}, "logits": {0: "batch"}})
    with torch.no_grad():
        feats = torch.cat([Features(net)(test_images[i:i + 1000]) for i in range(0, 10000, 1000)]).double().numpy()
    np.save(os.path.join(out, "features_mean.npy"), feats.mean(0))
    np.save(os.path.join(out, "features_cov.npy"), np.cov(feats, rowvar=False))
    torch.save(net.state_dict(), "/tmp/fashion-classifier.pt")
    return {"parameters": param_count(net), "steps": step, "wall": wall, "cpu": cpu, "loss": float(np.mean(losses[-200:])),
            "accuracy": accuracy, "batch": args.batch}


DESCRIPTIONS = {
    "fashion-unet-eps": "Class-conditional patch-2 UNet with epsilon prediction on the VP discrete linear schedule (betas 1e-4..0.02, 1000 steps), trained with 10% label dropout so classifier-free guidance works (null class 10).",
    "fashion-unet-v": "Unconditional patch-2 UNet with v prediction on the VP discrete cosine schedule (squaredcos_cap_v2, 1000 steps).",
    "fashion-flow": "Unconditional patch-2 UNet predicting the rectified-flow velocity u = eps - x0 on x_t = (1 - t) x0 + t eps, t in [0, 1].",
    "fashion-classifier": "Small CNN classifier (4 conv layers, 128-unit penultimate layer) for the fd metric.",
}


def write_readme(kind, args, out, info):
    cmd = (f"OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 19 /usr/bin/python3 "
           f"tools/modelzoo/train.py {kind} --seed {args.seed} --steps {args.steps} --limit {args.limit} --minutes {args.minutes:g} "
           + (f"--max-wall-minutes {args.max_wall_minutes:g} " if args.limit == "cpu" else "") +
           f"--batch {args.batch} --lr {args.lr:g}" + ("" if kind == "fashion-classifier" else f" --c1 {args.c1} --c2 {args.c2}")
           + (f" --init {args.init}" if getattr(args, "init", None) else ""))
    lines = [f"{kind}: {DESCRIPTIONS[kind]}", "",
             "Trained on the Fashion-MNIST training set (Debian dataset-fashion-mnist), images scaled to [-1, 1], "
             "random horizontal flips, on one CPU thread.", "",
             f"- command: `{cmd}`",
             f"- seed: {args.seed}",
             f"- parameters: {info['parameters']}",
             f"- steps: {info['steps']} (batch {info['batch']}; stopped by {'the step limit' if info['steps'] >= args.steps else 'the time limit'})",
             f"- wall time: {info['wall'] / 60:.1f} min ({info['cpu'] / 60:.1f} min of CPU time, one thread, niced on a shared 2-core machine)",
             f"- final loss (mean of the last 200 steps): {info['loss']:.4f}"]
    if "accuracy" in info:
        lines.append(f"- test accuracy: {100 * info['accuracy']:.2f}% (10000 test images)")
        lines += ["", "Files: `features.onnx` (input `x` float32 [B, 1, 28, 28] in [-1, 1], output `features` [B, 128], "
                  "the ReLU penultimate layer), `classifier.onnx` (same input, output `logits` [B, 10]), "
                  "`features_mean.npy` [128] and `features_cov.npy` [128, 128] (float64, covariance divided by n - 1) "
                  "of the 10000 test images."]
    else:
        lines += ["", "Exported weights are the EMA (decay 0.999) of the training weights. `samples.png` holds 80 samples "
                  "drawn from `model.onnx` by `dotnet run --project bench/ScheduleSearch.Bench.Zoo -c Release -- grid "
                  + kind + "` (DPM-Solver++ 3M, 20 NFE, logSNR-uniform, noise seed 0"
                  + ("; guidance 3, column k asking for class k" if kind == "fashion-unet-eps" else "") + ")."]
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", choices=list(DESCRIPTIONS))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=100000)
    p.add_argument("--minutes", type=float, default=15.0, help="time limit, see --limit")
    p.add_argument("--limit", choices=["cpu", "wall"], default="cpu", help="what --minutes counts (default: CPU time)")
    p.add_argument("--max-wall-minutes", type=float, default=25.0, help="wall-time cap with --limit cpu")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--c1", type=int, default=48)
    p.add_argument("--c2", type=int, default=96)
    p.add_argument("--out", default=None)
    p.add_argument("--bench", action="store_true", help="time a few steps and exit")
    p.add_argument("--init", default=None, help="diffusion models: start from this state dict (an earlier run's /tmp/MODEL.pt EMA weights)")
    args = p.parse_args()
    torch.set_num_threads(1)
    if args.lr is None:
        args.lr = 2e-3 if args.model == "fashion-classifier" else 1e-3
    out = args.out or os.path.join(ROOT, "models", args.model)
    if args.bench:
        net = Classifier() if args.model == "fashion-classifier" else UNet(args.c1, args.c2, num_classes=10)
        x = torch.randn(args.batch, 1, 28, 28)
        opt = torch.optim.Adam(net.parameters())
        for i in range(4):
            s = time.time()
            o = net(x) if args.model == "fashion-classifier" else net(x, torch.rand(args.batch) * 999, torch.zeros(args.batch, dtype=torch.long))
            o.square().mean().backward()
            opt.step()
            print(f"{param_count(net)} params, step {time.time() - s:.3f}s", flush=True)
        return
    if args.model == "fashion-classifier":
        info = train_classifier(args, out)
    else:
        info = train_diffusion(args.model, args, out)
    write_readme(args.model, args, out, info)
    print(json.dumps(info), flush=True)


if __name__ == "__main__":
    sys.exit(main())
