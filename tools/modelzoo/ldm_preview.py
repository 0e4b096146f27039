"""Preview stage of ldm.py: samples the trained checkpoints in torch (DDIM on the integer grid, classifier-free
guidance against the empty prompt), decodes them, classifies them with models/fashion-classifier/classifier.onnx
(evaluated here in torch from the ONNX initializers; the graph is Conv/Relu/MaxPool/Flatten/Gemm only) and writes a
PNG grid (row k: class k's prompt). A check of the training run before the C# stack samples the exported files."""

import os

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

import ldm_nets as nets
from ldm import TRAIN_STEPS, scaled_linear_abar
from train import ROOT


def onnx_classifier(path):
    m = onnx.load(path)
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}

    def run(x):
        values = {m.graph.input[0].name: x}
        for n in m.graph.node:
            a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
            i = [values[k] if k in values else weights[k] for k in n.input]
            if n.op_type == "Conv":
                y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, stride=a.get("strides", [1, 1]),
                             padding=a.get("pads", [0, 0, 0, 0])[:2])
            elif n.op_type == "Relu":
                y = F.relu(i[0])
            elif n.op_type == "MaxPool":
                y = F.max_pool2d(i[0], a["kernel_shape"], a.get("strides"), a.get("pads", [0, 0, 0, 0])[:2])
            elif n.op_type == "Flatten":
                y = i[0].flatten(a.get("axis", 1))
            elif n.op_type == "Gemm":
                y = a.get("alpha", 1.0) * (i[0] @ (i[1].T if a.get("transB", 0) else i[1])) + a.get("beta", 1.0) * i[2]
            else:
                raise ValueError(f"{path}: op {n.op_type} is not handled by this preview")
            values[n.output[0]] = y
        return values[m.graph.output[0].name]
    return run


@torch.no_grad()
def ddim(unet, context, negative, scale, noise, nfe):
    """Deterministic DDIM on `nfe` integer timesteps spaced evenly ("leading", as diffusers' default)."""
    abar = scaled_linear_abar()
    steps = list(range(0, TRAIN_STEPS, TRAIN_STEPS // nfe))[::-1]
    x = noise
    for k, n in enumerate(steps):
        t = torch.full((x.shape[0],), n, dtype=torch.int64)
        both = unet(torch.cat([x, x]), torch.cat([t, t]), torch.cat([negative.expand_as(context), context]))
        uncond, cond = both.chunk(2)
        eps = uncond + scale * (cond - uncond)
        a = abar[n]
        x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
        prev = abar[steps[k + 1]] if k + 1 < len(steps) else torch.tensor(1.0)
        x = prev.sqrt() * x0 + (1 - prev).sqrt() * eps
    return x


def png(path, images, rows, columns):
    from PIL import Image
    grid = np.full((rows * 30, columns * 30), 0, dtype=np.uint8)
    pixels = ((images.clamp(-1, 1) + 1) * 127.5).round().byte().numpy()
    for i in range(rows * columns):
        r, c = divmod(i, columns)
        grid[r * 30 + 1:r * 30 + 29, c * 30 + 1:c * 30 + 29] = pixels[i, 0]
    Image.fromarray(grid).resize((columns * 60, rows * 60), Image.NEAREST).save(path)


def preview(args):
    state = torch.load(os.path.join(args.work, "unet.pt"))
    unet, text, ae = nets.UNet(state["c1"], state["c2"]), nets.TextEncoder(), nets.Autoencoder()
    unet.load_state_dict(state["unet"])
    text.load_state_dict(state["text"])
    ae.load_state_dict(torch.load(os.path.join(args.work, "vae.pt")))
    for m in (unet, text, ae):
        m.eval()
    classify = onnx_classifier(os.path.join(ROOT, "models", "fashion-classifier", "classifier.onnx"))
    per_class = args.per_class
    tokens = torch.tensor([nets.tokenize(nets.prompt(k)) for k in range(10)] + [nets.tokenize(nets.prompt(None))])
    with torch.no_grad():
        embeddings = text(tokens)
    labels = torch.arange(10).repeat_interleave(per_class)
    gen = torch.Generator().manual_seed(args.seed)
    noise = torch.randn((labels.shape[0], 4, 7, 7), generator=gen)
    for scale in args.scales:
        z = ddim(unet, embeddings[labels], embeddings[10:], scale, noise, args.nfe)
        with torch.no_grad():
            images = ae.decoder(z / state["scale"])
            predicted = classify(images).argmax(1)
        rate = (predicted == labels).float().mean().item()
        per = [(predicted[labels == k] == k).float().mean().item() for k in range(10)]
        print(f"guidance {scale:g}, DDIM {args.nfe} steps, {labels.shape[0]} samples: {100 * rate:.1f}% classified as prompted; "
              + ", ".join(f"{k}: {100 * p:.0f}%" for k, p in enumerate(per)), flush=True)
        png(os.path.join(args.work, f"preview-w{scale:g}.png"), images.reshape(10, per_class, 1, 28, 28)[:, :10].reshape(-1, 1, 28, 28),
            10, min(10, per_class))
