"""Export stage of ldm.py: ONNX graphs with optimum's input and output names, the prompt arrays, the card and the
README of models/fashion-ldm (see ldm.py's docstring)."""

import json
import os
import shutil

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper, shape_inference

import ldm_nets as nets
from train import param_count, store_weights_as_float16

# Inputs that stay as they are in the float16 export (integer timestep, as optimum's fp16 SD exports keep it).
NOT_A_WEIGHT = {"Gemm", "MatMul", "Conv"}


class UNetExport(torch.nn.Module):
    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states)


def export_unet(unet, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    x = torch.randn(2, 4, 7, 7)
    t = torch.tensor([10, 500], dtype=torch.int64)
    ctx = torch.randn(2, nets.TOKENS, nets.WIDTH)
    torch.onnx.export(UNetExport(unet).eval(), (x, t, ctx), path, opset_version=17,
                      input_names=["sample", "timestep", "encoder_hidden_states"], output_names=["out_sample"],
                      dynamic_axes={"sample": {0: "batch"}, "timestep": {0: "batch"}, "encoder_hidden_states": {0: "batch"},
                                    "out_sample": {0: "batch"}}, do_constant_folding=True)


def export_decoder(decoder, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(decoder.eval(), (torch.randn(2, 4, 7, 7),), path, opset_version=17,
                      input_names=["latent_sample"], output_names=["sample"],
                      dynamic_axes={"latent_sample": {0: "batch"}, "sample": {0: "batch"}}, do_constant_folding=True)


def to_float16(source, target, keep_input="timestep"):
    """Float16 copy of a float32 graph: weights, constants, inputs, outputs and arithmetic in float16, except the
    sinusoidal timestep embedding, which is computed in float32 from the integer timestep and cast to float16 where
    the network's weights first meet it (diffusers computes it in float32 too: float16 cannot hold cos(999 f) to any
    useful precision). The torch in this environment (1.13) has no float16 convolutions on the CPU, so the graph is
    converted rather than traced in float16."""
    m = shape_inference.infer_shapes(onnx.load(source))
    g = m.graph
    types = {v.name: v.type.tensor_type.elem_type for v in list(g.value_info) + list(g.input) + list(g.output)}
    constants = {i.name for i in g.initializer} | {o for n in g.node if n.op_type == "Constant" for o in n.output}
    time_side, keep = {keep_input}, set()
    # Nodes are stored in topological order; they are named by index (protobuf hands out fresh wrappers, so id() is not stable).
    for k, n in enumerate(g.node):
        ins = [i for i in n.input if i]
        if n.op_type not in NOT_A_WEIGHT and any(i in time_side for i in ins) and all(i in time_side or i in constants for i in ins):
            keep.add(k)
            time_side.update(n.output)
    consumers = {}
    for k, n in enumerate(g.node):
        for i in n.input:
            consumers.setdefault(i, []).append(k)
    float32_only = {c for c in constants if c in consumers and all(k in keep for k in consumers[c])}
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT and init.name not in float32_only:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    casts = []
    for k, n in enumerate(g.node):
        if k in keep:
            continue
        for a in n.attribute:
            if n.op_type == "Cast" and a.name == "to" and a.i == TensorProto.FLOAT:
                a.i = TensorProto.FLOAT16
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == TensorProto.FLOAT and not set(n.output) <= float32_only:
                a.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(a.t).astype(np.float16), a.t.name))
        for j, i in enumerate(n.input):
            if i in time_side and i != keep_input and types.get(i) == TensorProto.FLOAT:
                half = i + "__float16"
                if half not in {c.output[0] for c in casts}:
                    casts.append(helper.make_node("Cast", [i], [half], to=TensorProto.FLOAT16, name=half))
                n.input[j] = half
    for c in casts:  # after the producer of its input: insert each cast just before its first consumer
        first = next(k for k, n in enumerate(g.node) if c.output[0] in n.input)
        g.node.insert(first, c)
    for v in list(g.input) + list(g.output):
        if v.type.tensor_type.elem_type == TensorProto.FLOAT:
            v.type.tensor_type.elem_type = TensorProto.FLOAT16
    del g.value_info[:]
    onnx.checker.check_model(m)
    onnx.save(shape_inference.infer_shapes(m), target)


def card(scale):
    return {
        "format": "schedule-search/model@1",
        "name": "fashion-ldm",
        "onnx": "unet/model.onnx",
        "variants": [{"name": "fp16", "onnx": "unet-fp16/model.onnx"}],
        "schedule": {"kind": "vp-discrete", "betas": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "train_steps": 1000},
        "inputs": {"sample": "sample", "time": "timestep", "time_convention": "discrete-index",
                   "conditioning": {"encoder_hidden_states": "prompts.npy"}},
        "output": {"name": "out_sample", "parameterization": "epsilon"},
        "sample_shape": [4, 7, 7],
        "guidance": {"negative": {"encoder_hidden_states": "negative.npy"}},
        "decoder": {"onnx": "vae_decoder/model.onnx", "input": "latent_sample", "output": "sample", "scale": round(scale, 6), "shift": 0.0},
        "statistics": None,
    }


def export_all(args):
    work, out = args.work, args.out
    runs = json.load(open(os.path.join(work, "log.json")))
    ae = nets.Autoencoder()
    ae.load_state_dict(torch.load(os.path.join(work, "vae.pt")))
    state = torch.load(os.path.join(work, "unet.pt"))
    unet, text = nets.UNet(state["c1"], state["c2"]), nets.TextEncoder()
    unet.load_state_dict(state["unet"])
    text.load_state_dict(state["text"])
    unet.eval()
    text.eval()
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    plain = os.path.join(work, "unet-float32.onnx")
    export_unet(unet, plain)
    os.makedirs(os.path.join(out, "unet"))
    os.makedirs(os.path.join(out, "unet-fp16"))
    to_float16(plain, os.path.join(out, "unet-fp16", "model.onnx"))
    shutil.copy(plain, os.path.join(out, "unet", "model.onnx"))
    store_weights_as_float16(os.path.join(out, "unet", "model.onnx"))
    export_decoder(ae.decoder, os.path.join(out, "vae_decoder", "model.onnx"))
    store_weights_as_float16(os.path.join(out, "vae_decoder", "model.onnx"))
    with torch.no_grad():
        tokens = torch.tensor([nets.tokenize(nets.prompt(k)) for k in range(10)] + [nets.tokenize(nets.prompt(None))])
        embeddings = text(tokens).numpy().astype(np.float32)
    np.save(os.path.join(out, "prompts.npy"), embeddings[:10])
    np.save(os.path.join(out, "negative.npy"), embeddings[10:])
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(card(state["scale"]), f, indent=2)
        f.write("\n")
    runs["export"] = {"parameters": {"unet": param_count(unet), "text_encoder": param_count(text), "decoder": param_count(ae.decoder)}}
    write_readme(out, runs, state["scale"])
    print(json.dumps(runs["export"]), flush=True)


def stage_command(stage, info):
    return (f"OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 /usr/bin/python3 tools/modelzoo/ldm.py {stage} "
            f"--seed {info['seed']} --steps {info['steps']} --batch {info['batch']} --lr {info['lr']:g}"
            + (f" --c1 {info['channels'][0]} --c2 {info['channels'][1]}" if "channels" in info else ""))


def vae_facts(run):
    return (f"{run['steps']} steps (batch {run['batch']}), {run['cpu_s'] / 60:.1f} min of CPU ({run['wall_s'] / 60:.1f} min wall); "
            f"encoder {run['parameters']['encoder']} and decoder {run['parameters']['decoder']} parameters; final loss "
            f"{run['loss']:.5f}; reconstruction error (mean squared, posterior mean) of the first "
            f"{run.get('test_images', 10000)} test images {run['test_mse_of_mean_latent']:.5f}.")


def write_readme(out, runs, scale):
    vae, unet, export = runs["vae"], runs["unet"], runs["export"]
    prompts = "; ".join(f"{k}: \"{nets.prompt(k)}\"" for k in range(10))
    lines = [
        "fashion-ldm: a latent, prompt-conditioned diffusion model of Fashion-MNIST laid out like a Stable Diffusion "
        "export (issue 22): a KL autoencoder (28x28x1 <-> 4x7x7 latents), a UNet with cross-attention on prompt "
        "embeddings, epsilon prediction on SD's scaled_linear betas (0.00085..0.012, 1000 steps) with integer timesteps, "
        "classifier-free guidance against the empty prompt.",
        "",
        "Files (optimum's names):",
        "",
        "- `unet/model.onnx`: `sample` float32 [B, 4, 7, 7], `timestep` int64 [B] (the grid index 0..999), "
        f"`encoder_hidden_states` float32 [B, {nets.TOKENS}, {nets.WIDTH}] -> `out_sample` float32 [B, 4, 7, 7] (epsilon); "
        "weights stored as float16 behind Cast nodes, arithmetic in float32.",
        "- `unet-fp16/model.onnx` (card variant `fp16`): the same network in float16 (`sample`, `encoder_hidden_states`, "
        "`out_sample` float16, `timestep` int64; the sinusoidal timestep embedding is computed in float32, as diffusers does).",
        f"- `vae_decoder/model.onnx` (weights stored as float16 too): `latent_sample` float32 [B, 4, 7, 7] -> `sample` float32 [B, 1, 28, 28] (images in "
        f"[-1, 1], the convention of `models/fashion-classifier`); the card's decoder `scale` {scale:.6f} is the "
        "autoencoder's scaling factor (1 / standard deviation of the training latents): the UNet works on "
        "`scale * latent`, the decoder gets `latent / scale`.",
        f"- `prompts.npy` float32 [10, {nets.TOKENS}, {nets.WIDTH}]: row k is the prompt encoder's last hidden state for "
        f"class k's prompt ({prompts}); `negative.npy` float32 [1, {nets.TOKENS}, {nets.WIDTH}]: the empty prompt \"\".",
        "",
        f"The prompt encoder (word-level vocabulary of {len(nets.VOCAB)} tokens, sequences of {nets.TOKENS} tokens "
        f"`<bos> words <eos> <pad>...`, a token embedding table, learned positions, two pre-norm transformer layers of "
        f"width {nets.WIDTH}, final LayerNorm; {export['parameters']['text_encoder']} parameters) was trained with the "
        "UNet; the prompt was replaced by the empty prompt for 10% of the training samples. Only its outputs ship, as the "
        "arrays above (prompts are encoded once, outside the tool, as FORMATS.md says).",
        "",
        "Trained on the Fashion-MNIST training set (Debian dataset-fashion-mnist), images scaled to [-1, 1], with mirror "
        "images, on one CPU thread of a shared 2-core machine, by `tools/modelzoo/ldm.py` (three stages; each is "
        "deterministic for its seed on one thread, so these commands replay the run exactly):",
        "",
        f"1. `{stage_command('vae', vae)}`: {vae_facts(vae)}",
    ]
    if "vae-continued" in runs:
        more = runs["vae-continued"]
        lines.append(f"   then, from its weights (copied to `{more['init']}`): "
                     f"`{stage_command('vae', more)} --init {more['init']}`: {vae_facts(more)}")
    lines += [
        f"2. `{stage_command('unet', unet)}`: {unet['steps']} steps (batch {unet['batch']}), {unet['cpu_s'] / 60:.1f} min "
        f"of CPU ({unet['wall_s'] / 60:.1f} min wall); UNet {unet['parameters']['unet']} parameters; final loss "
        f"(mean of the last 200 steps) {unet['loss']:.5f}. Exported weights are the EMA (decay 0.999, warmed up).",
        "3. `OMP_NUM_THREADS=1 /usr/bin/python3 tools/modelzoo/ldm.py export` writes this folder from the checkpoints "
        "the first two stages left in `/tmp/fashion-ldm`.",
    ]
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
