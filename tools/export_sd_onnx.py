#!/usr/bin/env python3
"""Exports a Stable Diffusion 1.x/2.x, SDXL or SD3 pipeline for schedule-search: the denoising network (UNet or
transformer) and the VAE decoder as ONNX graphs with optimum's input and output names, the prompt embeddings as .npy
arrays (one row per prompt, and the negative prompt), and a schedule-search/model@1 card (docs/own-model.md).

Run it on YOUR machine, where diffusers can load the pipeline (the schedule-search build and tests never run it and
download nothing). Requirements: python >= 3.10, torch, diffusers, transformers, onnx (and accelerate for large
pipelines); a CUDA GPU for --dtype float16.

    python tools/export_sd_onnx.py --kind sd15 --model stable-diffusion-v1-5/stable-diffusion-v1-5 \\
        --prompt "a photo of an astronaut riding a horse" --prompt "a watercolour of a lighthouse" \\
        --negative "" --height 512 --width 512 --out exports/sd15
    python tools/export_sd_onnx.py --kind sdxl --model stabilityai/stable-diffusion-xl-base-1.0 --prompt ... --out exports/sdxl
    python tools/export_sd_onnx.py --kind sd3 --model stabilityai/stable-diffusion-3-medium-diffusers --prompt ... --out exports/sd3

--model is a Hub id or a local folder in diffusers' layout. The output folder gets

    unet/model.onnx (sd15, sdxl) or transformer/model.onnx (sd3)   the denoiser, batch axis dynamic
    vae_decoder/model.onnx                                         latent_sample -> sample (float32 always: SDXL's VAE
                                                                   overflows in float16)
    prompts.npy, negative.npy (+ text_embeds.npy, time_ids.npy,    conditioning arrays in the denoiser's dtype
      negative_text_embeds.npy for sdxl; pooled_projections.npy,
      negative_pooled_projections.npy for sd3)
    model.json                                                     the card; check it with `schedule-search model inspect`

Graph inputs (names as optimum's exporters use them; shapes for a 512x512 SD 1.5):
    sd15: sample [B,4,64,64], timestep int64 [B] (the training-grid index), encoder_hidden_states [B,77,768] -> out_sample
    sdxl: the same plus text_embeds [B,1280] and time_ids [B,6]
    sd3:  hidden_states [B,16,H/8,W/8], timestep float [B] (= 1000 sigma), encoder_hidden_states [B,333,4096],
          pooled_projections [B,2048] -> out_hidden_states
Unlike this script, a current `optimum-cli export onnx` writes the SD UNet's timestep as a float scalar (no batch
axis); this script keeps a batch axis so each row can sit at its own time.

Graphs over 2 GB (SD 1.5's UNet in float32 is 3.4 GB) are written with their weights in model.onnx_data beside
model.onnx (ONNX external data), as optimum does; keep the two files together.
"""

import argparse
import inspect
import json
import os
import sys

import numpy as np

KINDS = {
    "sd15": ("StableDiffusionPipeline", "unet"),
    "sdxl": ("StableDiffusionXLPipeline", "unet"),
    "sd3": ("StableDiffusion3Pipeline", "transformer"),
}
TWO_GB = 2 ** 31


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kind", required=True, choices=sorted(KINDS), help="pipeline family")
    p.add_argument("--model", required=True, help="Hub id or local diffusers folder")
    p.add_argument("--prompt", action="append", required=True, help="a prompt; repeat for several (row i of the arrays)")
    p.add_argument("--negative", default=None,
                   help="negative prompt for classifier-free guidance; omitted: the pipeline's own default (the empty "
                        "prompt for SD 1.5 and SD3, zero embeddings for SDXL, whose config sets force_zeros_for_empty_prompt)")
    p.add_argument("--height", type=int, default=None, help="image height in pixels (default: the model's own)")
    p.add_argument("--width", type=int, default=None, help="image width in pixels (default: the model's own)")
    p.add_argument("--dtype", choices=["float32", "float16"], default="float32", help="denoiser dtype (float16 needs --device cuda)")
    p.add_argument("--device", default="cpu", help="torch device used for tracing and prompt encoding (cpu, cuda, cuda:1)")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--max-sequence-length", type=int, default=256, help="sd3: T5 tokens per prompt")
    p.add_argument("--out", required=True, help="output folder (created; existing files are overwritten)")
    args = p.parse_args(argv)
    if args.dtype == "float16" and not args.device.startswith("cuda"):
        p.error("--dtype float16 needs --device cuda: float16 tracing on the CPU lacks kernels for several operators")
    return args


class SdUnet:
    """Factories of the wrappers that give torch.onnx.export one positional signature with optimum's names."""

    @staticmethod
    def wrap(torch, unet, with_added_conditions):
        class Wrapper(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.unet = unet

            def forward(self, sample, timestep, encoder_hidden_states, text_embeds=None, time_ids=None):
                added = {"text_embeds": text_embeds, "time_ids": time_ids} if with_added_conditions else None
                return self.unet(sample, timestep, encoder_hidden_states, added_cond_kwargs=added, return_dict=False)[0]

        return Wrapper()

    @staticmethod
    def wrap_sd3(torch, transformer):
        class Wrapper(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.transformer = transformer

            def forward(self, hidden_states, timestep, encoder_hidden_states, pooled_projections):
                return self.transformer(hidden_states=hidden_states, encoder_hidden_states=encoder_hidden_states,
                                        pooled_projections=pooled_projections, timestep=timestep, return_dict=False)[0]

        return Wrapper()

    @staticmethod
    def wrap_decoder(torch, vae):
        class Wrapper(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.vae = vae

            def forward(self, latent_sample):
                return self.vae.decode(latent_sample, return_dict=False)[0]

        return Wrapper()


def export_graph(torch, module, inputs, names, output, path, opset):
    """torch.onnx.export with the TorchScript exporter (dynamo=False where the keyword exists: torch >= 2.9 defaults to
    the dynamo exporter, whose dynamic_axes support is partial), dynamic batch axis 0 everywhere; graphs over 2 GB are
    re-saved with external data."""
    import onnx
    os.makedirs(os.path.dirname(path), exist_ok=True)
    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    dynamic = {n: {0: "batch"} for n in names + [output]}
    with torch.no_grad():
        torch.onnx.export(module.eval(), tuple(inputs), path, input_names=names, output_names=[output],
                          dynamic_axes=dynamic, opset_version=opset, do_constant_folding=True, **kwargs)
    size = sum(os.path.getsize(os.path.join(os.path.dirname(path), f)) for f in os.listdir(os.path.dirname(path)))
    if size >= TWO_GB:
        model = onnx.load(path)
        for f in os.listdir(os.path.dirname(path)):
            if f != os.path.basename(path):
                os.remove(os.path.join(os.path.dirname(path), f))
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(path) + "_data", size_threshold=1024)


def save(out, name, tensor, dtype):
    array = tensor.detach().to("cpu").float().numpy().astype(dtype)
    np.save(os.path.join(out, name), array)
    return name


def schedule_of(scheduler_config, kind):
    c = dict(scheduler_config)
    if kind == "sd3":
        schedule = {"kind": "flow"}
        if float(c.get("shift", 1.0)) != 1.0:
            schedule["shift"] = float(c["shift"])
        if c.get("use_dynamic_shifting"):
            raise SystemExit("the scheduler uses dynamic (resolution-dependent) shifting; set a fixed shift in its config")
        return schedule, "flow"
    if c.get("beta_schedule") not in ("scaled_linear", "linear", "squaredcos_cap_v2"):
        raise SystemExit(f"scheduler beta_schedule {c.get('beta_schedule')!r} is not one schedule-search knows")
    schedule = {"kind": "vp-discrete", "betas": c["beta_schedule"], "beta_start": float(c["beta_start"]),
                "beta_end": float(c["beta_end"]), "train_steps": int(c["num_train_timesteps"])}
    if c.get("rescale_betas_zero_snr"):
        schedule["rescale_betas_zero_snr"] = True
    prediction = {"epsilon": "epsilon", "v_prediction": "v", "sample": "x0"}.get(c.get("prediction_type", "epsilon"))
    if prediction is None:
        raise SystemExit(f"scheduler prediction_type {c.get('prediction_type')!r} is not one schedule-search knows")
    return schedule, prediction


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    import diffusers
    import torch

    pipeline_class, denoiser_name = KINDS[args.kind]
    dtype = torch.float16 if args.dtype == "float16" else torch.float32
    npy_dtype = np.float16 if args.dtype == "float16" else np.float32
    device = torch.device(args.device)
    pipe = getattr(diffusers, pipeline_class).from_pretrained(args.model, torch_dtype=dtype).to(device)
    pipe.vae.to(torch.float32)
    os.makedirs(args.out, exist_ok=True)
    out = args.out
    denoiser = getattr(pipe, denoiser_name)
    scale = pipe.vae_scale_factor
    height = args.height or denoiser.config.sample_size * scale
    width = args.width or denoiser.config.sample_size * scale
    if height % (8 * (2 if args.kind == "sd3" else 1)) or width % (8 * (2 if args.kind == "sd3" else 1)):
        raise SystemExit(f"--height {height} / --width {width} must be multiples of {16 if args.kind == 'sd3' else 8}")
    latent = [denoiser.config.in_channels, height // scale, width // scale]
    prompts = args.prompt
    count = len(prompts)
    conditioning, negative = {}, {}
    with torch.no_grad():
        if args.kind == "sd15":
            embeds, negative_embeds = pipe.encode_prompt(prompts, device, 1, True, negative_prompt=[args.negative] * count if args.negative is not None else None)
        elif args.kind == "sdxl":
            embeds, negative_embeds, pooled, negative_pooled = pipe.encode_prompt(
                prompts, device=device, num_images_per_prompt=1, do_classifier_free_guidance=True,
                negative_prompt=[args.negative] * count if args.negative is not None else None)
            projection = pipe.text_encoder_2.config.projection_dim
            time_ids = pipe._get_add_time_ids((height, width), (0, 0), (height, width), dtype=dtype,
                                              text_encoder_projection_dim=projection).repeat(count, 1)
            conditioning["text_embeds"] = save(out, "text_embeds.npy", pooled, npy_dtype)
            conditioning["time_ids"] = save(out, "time_ids.npy", time_ids, npy_dtype)
            negative["text_embeds"] = save(out, "negative_text_embeds.npy", negative_pooled[:1], npy_dtype)
        else:
            embeds, negative_embeds, pooled, negative_pooled = pipe.encode_prompt(
                prompts, None, None, device=device, num_images_per_prompt=1, do_classifier_free_guidance=True,
                negative_prompt=[args.negative if args.negative is not None else ""] * count,
                max_sequence_length=args.max_sequence_length)
            conditioning["pooled_projections"] = save(out, "pooled_projections.npy", pooled, npy_dtype)
            negative["pooled_projections"] = save(out, "negative_pooled_projections.npy", negative_pooled[:1], npy_dtype)
    # Every prompt shares one negative prompt, so one negative row serves them all ([1, ...] in FORMATS.md).
    conditioning = {"encoder_hidden_states": save(out, "prompts.npy", embeds, npy_dtype), **conditioning}
    negative = {"encoder_hidden_states": save(out, "negative.npy", negative_embeds[:1], npy_dtype), **negative}

    batch = 2
    x = torch.randn([batch] + latent, dtype=dtype, device=device)
    hidden = embeds[:1].repeat(batch, 1, 1).to(dtype)
    subfolder = "transformer" if args.kind == "sd3" else "unet"
    path = os.path.join(out, subfolder, "model.onnx")
    if args.kind == "sd3":
        t = torch.tensor([999.0, 500.0], dtype=dtype, device=device)
        module = SdUnet.wrap_sd3(torch, denoiser)
        names, output = ["hidden_states", "timestep", "encoder_hidden_states", "pooled_projections"], "out_hidden_states"
        export_graph(torch, module, [x, t, hidden, pooled[:1].repeat(batch, 1).to(dtype)], names, output, path, args.opset)
    else:
        t = torch.tensor([999, 500], dtype=torch.int64, device=device)
        module = SdUnet.wrap(torch, denoiser, args.kind == "sdxl")
        names, output = ["sample", "timestep", "encoder_hidden_states"], "out_sample"
        inputs = [x, t, hidden]
        if args.kind == "sdxl":
            names += ["text_embeds", "time_ids"]
            inputs += [pooled[:1].repeat(batch, 1).to(dtype), time_ids[:1].repeat(batch, 1).to(device=device, dtype=dtype)]
        export_graph(torch, module, inputs, names, output, path, args.opset)
    decoder_path = os.path.join(out, "vae_decoder", "model.onnx")
    export_graph(torch, SdUnet.wrap_decoder(torch, pipe.vae), [torch.randn([1] + [pipe.vae.config.latent_channels] + latent[1:], device=device)],
                 ["latent_sample"], "sample", decoder_path, args.opset)

    schedule, parameterization = schedule_of(pipe.scheduler.config, args.kind)
    inputs_block = {"sample": names[0], "time": "timestep",
                    "time_convention": "continuous-t" if args.kind == "sd3" else "discrete-index",
                    "conditioning": conditioning}
    if args.kind == "sd3":
        inputs_block["time_scale"] = float(pipe.scheduler.config.num_train_timesteps)
    card = {
        "format": "schedule-search/model@1",
        "name": os.path.basename(os.path.normpath(out)),
        "onnx": f"{subfolder}/model.onnx",
        "schedule": schedule,
        "inputs": inputs_block,
        "output": {"name": output, "parameterization": parameterization},
        "sample_shape": latent,
        "guidance": {"negative": negative},
        "decoder": {"onnx": "vae_decoder/model.onnx", "input": "latent_sample", "output": "sample",
                    "scale": float(pipe.vae.config.scaling_factor), "shift": float(getattr(pipe.vae.config, "shift_factor", None) or 0.0)},
        "statistics": None,
    }
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "prompts.txt"), "w") as f:
        f.write("".join(f"{i}\t{p}\n" for i, p in enumerate(prompts)))
    print(f"wrote {out}: {subfolder}/model.onnx, vae_decoder/model.onnx, {count} prompt rows, model.json")
    print(f"next: schedule-search model inspect {os.path.join(out, 'model.json')}")


if __name__ == "__main__":
    main()
