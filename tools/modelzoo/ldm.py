#!/usr/bin/python3
"""Trains and exports models/fashion-ldm (issue 22): a latent, prompt-conditioned Fashion-MNIST diffusion model laid
out like a Stable Diffusion export, small enough to train and search on one CPU thread.

Offline tool, NOT part of the build or the tests; the same requirements and conventions as train.py (Debian's
/usr/bin/python3 with python3-torch and python3-onnx, the dataset-fashion-mnist package). Three stages, run in order
from the repository root, one thread, niced:

    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 /usr/bin/python3 tools/modelzoo/ldm.py vae --steps S
    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 /usr/bin/python3 tools/modelzoo/ldm.py unet --steps S
    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 /usr/bin/python3 tools/modelzoo/ldm.py export

vae   KL autoencoder 28x28x1 -> 4x7x7 (mean-squared reconstruction error + a small KL term), checkpoint in --work.
unet  encodes the training set (and its mirror images) once with the autoencoder, then trains the latent UNet and the
      prompt encoder together: epsilon prediction on SD's scaled_linear betas (0.00085..0.012, 1000 steps), integer
      timesteps, latents multiplied by the autoencoder's scale factor (1 / standard deviation of the latents, SD's
      scaling_factor), the prompt replaced by the empty prompt 10% of the time so classifier-free guidance works.
export writes models/fashion-ldm/: unet/model.onnx (float32; weights stored as float16 behind Cast nodes, as in
      train.py), unet-fp16/model.onnx (float16 inputs, outputs and arithmetic; int64 timestep), vae_decoder/model.onnx,
      prompts.npy [10, TOKENS, WIDTH] (row k: "a photo of a <class k>"), negative.npy [1, TOKENS, WIDTH] (the empty
      prompt), model.json and README.md.
preview (optional) samples the checkpoints in torch and reports how many decoded samples models/fashion-classifier
      labels as the prompted class, with a PNG grid per guidance scale in --work.

Each training stage stops after --steps optimiser steps or --minutes of CPU time (capped by --max-wall-minutes of
wall time), whichever comes first, and records what ran; training is deterministic for a seed on one thread, so
`--steps N` with generous time limits replays a stage exactly.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ldm_nets as nets  # noqa: E402
from train import ROOT, Ema, load, out_of_time, param_count  # noqa: E402

BETA_START, BETA_END, TRAIN_STEPS = 0.00085, 0.012, 1000
KL_WEIGHT = 2e-4
PROMPT_DROPOUT = 0.1


def scaled_linear_abar():
    betas = np.linspace(BETA_START ** 0.5, BETA_END ** 0.5, TRAIN_STEPS, dtype=np.float64) ** 2
    return torch.from_numpy(np.cumprod(1.0 - betas)).float()


def log(stage, work, info):
    path = os.path.join(work, "log.json")
    runs = json.load(open(path)) if os.path.exists(path) else {}
    runs[stage] = info
    with open(path, "w") as f:
        json.dump(runs, f, indent=2)
    print(json.dumps(info), flush=True)


def train_loop(args, params, step_loss, label):
    """Adam with warm-up at a constant rate, gradient clipping and an EMA of the weights; returns run facts."""
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    start, cpu0 = time.time(), time.process_time()
    step, running, losses = 0, None, []
    while step < args.steps and not out_of_time(args, start, cpu0):
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / 200)
        loss = step_loss(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        for ema, module in args.emas:
            ema.update(module)
        step += 1
        losses.append(loss.item())
        running = loss.item() if running is None else 0.99 * running + 0.01 * loss.item()
        if step % 100 == 0:
            print(f"{label} step {step} loss {running:.5f} wall {time.time() - start:.0f}s cpu {time.process_time() - cpu0:.0f}s", flush=True)
    return {"steps": step, "wall_s": round(time.time() - start, 1), "cpu_s": round(time.process_time() - cpu0, 1),
            "loss": float(np.mean(losses[-200:])), "batch": args.batch, "lr": args.lr, "seed": args.seed,
            "stopped_by": "steps" if step >= args.steps else "time"}


def stage_vae(args):
    gen = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    images, _ = load("train")
    ae = nets.Autoencoder()
    if args.init:
        # Continue an earlier run from its exported (EMA) weights; the optimiser state and the EMA start afresh.
        ae.load_state_dict(torch.load(args.init))
    args.emas = [(Ema(ae, 0.999), ae)]
    stats = {}

    def step_loss(step):
        x = images[torch.randint(0, images.shape[0], (args.batch,), generator=gen)]
        if torch.rand(1, generator=gen).item() < 0.5:
            x = x.flip(3)
        mean, logvar = ae.encoder(x)
        z = mean + torch.randn(mean.shape, generator=gen) * (0.5 * logvar).exp()
        mse = F.mse_loss(ae.decoder(z), x)
        kl = 0.5 * (mean.square() + logvar.exp() - 1.0 - logvar).mean()
        stats["mse"], stats["kl"] = mse.item(), kl.item()
        return mse + KL_WEIGHT * kl

    info = train_loop(args, list(ae.parameters()), step_loss, "vae")
    ae.load_state_dict(args.emas[0][0].shadow)
    ae.eval()
    test = load("test")[0][:2000]
    with torch.no_grad():
        info["test_mse_of_mean_latent"] = float(np.mean([F.mse_loss(ae.decoder(ae.encoder(test[i:i + 500])[0]), test[i:i + 500]).item()
                                                         for i in range(0, 2000, 500)]))
        info["test_images"] = 2000
    info["parameters"] = {"encoder": param_count(ae.encoder), "decoder": param_count(ae.decoder)}
    info["init"] = args.init
    torch.save(ae.state_dict(), os.path.join(args.work, "vae.pt"))
    log("vae-continued" if args.init else "vae", args.work, info)


def encode_training_set(ae):
    """Posterior mean and log-variance of every training image and its mirror image (the diffusion stage samples
    z = mean + std * noise afresh at every step, as SD's training does with latent_dist.sample())."""
    images, labels = load("train")
    means, logvars = [], []
    with torch.no_grad():
        for flip in (False, True):
            for i in range(0, images.shape[0], 1000):
                x = images[i:i + 1000]
                m, lv = ae.encoder(x.flip(3) if flip else x)
                means.append(m)
                logvars.append(lv)
    return torch.cat(means), torch.cat(logvars), torch.cat([labels, labels])


def stage_unet(args):
    gen = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    ae = nets.Autoencoder()
    ae.load_state_dict(torch.load(os.path.join(args.work, "vae.pt")))
    ae.eval()
    means, logvars, labels = encode_training_set(ae)
    stds = (0.5 * logvars).exp()
    # SD's scaling_factor: 1 / std of sampled latents (here over the whole training set and its mirror images).
    sample = means + stds * torch.randn(means.shape, generator=gen)
    scale = float(1.0 / sample.std())
    print(f"latent std {sample.std():.4f}, scale factor {scale:.5f}", flush=True)
    unet, text = nets.UNet(args.c1, args.c2), nets.TextEncoder()
    tokens = torch.tensor([nets.tokenize(nets.prompt(k)) for k in range(10)] + [nets.tokenize(nets.prompt(None))])
    abar = scaled_linear_abar()
    args.emas = [(Ema(unet, 0.999), unet), (Ema(text, 0.999), text)]

    def step_loss(step):
        idx = torch.randint(0, means.shape[0], (args.batch,), generator=gen)
        z0 = scale * (means[idx] + stds[idx] * torch.randn((args.batch, 4, 7, 7), generator=gen))
        drop = torch.rand(args.batch, generator=gen) < PROMPT_DROPOUT
        rows = torch.where(drop, torch.full_like(labels[idx], 10), labels[idx])
        n = torch.randint(0, TRAIN_STEPS, (args.batch,), generator=gen)
        eps = torch.randn(z0.shape, generator=gen)
        a = abar[n].sqrt()[:, None, None, None]
        s = (1 - abar[n]).sqrt()[:, None, None, None]
        return F.mse_loss(unet(a * z0 + s * eps, n, text(tokens[rows])), eps)

    info = train_loop(args, list(unet.parameters()) + list(text.parameters()), step_loss, "unet")
    info["scale_factor"] = scale
    info["parameters"] = {"unet": param_count(unet), "text_encoder": param_count(text)}
    info["channels"] = [args.c1, args.c2]
    torch.save({"unet": args.emas[0][0].shadow, "text": args.emas[1][0].shadow, "scale": scale, "c1": args.c1, "c2": args.c2},
               os.path.join(args.work, "unet.pt"))
    log("unet", args.work, info)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("stage", choices=["vae", "unet", "export", "preview"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=100000)
    p.add_argument("--minutes", type=float, default=1000.0, help="CPU-time limit of a training stage")
    p.add_argument("--limit", choices=["cpu", "wall"], default="cpu")
    p.add_argument("--max-wall-minutes", type=float, default=1000.0)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--c1", type=int, default=48)
    p.add_argument("--c2", type=int, default=96)
    p.add_argument("--work", default="/tmp/fashion-ldm", help="checkpoints between the stages")
    p.add_argument("--init", default=None, help="vae: continue from this checkpoint (an earlier run's vae.pt, copied)")
    p.add_argument("--out", default=os.path.join(ROOT, "models", "fashion-ldm"))
    p.add_argument("--per-class", type=int, default=20, help="preview: samples per prompt")
    p.add_argument("--scales", type=float, nargs="+", default=[1.0, 5.0], help="preview: guidance scales")
    p.add_argument("--nfe", type=int, default=50, help="preview: DDIM steps")
    args = p.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.work, exist_ok=True)
    if args.stage == "vae":
        stage_vae(args)
    elif args.stage == "unet":
        stage_unet(args)
    elif args.stage == "export":
        import ldm_export
        ldm_export.export_all(args)
    else:
        import ldm_preview
        ldm_preview.preview(args)


if __name__ == "__main__":
    sys.exit(main())
