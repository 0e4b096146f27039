"""A stand-in for the two pieces of ComfyUI the nodes touch (ComfyUI is not installable here), following ComfyUI's
comfy/samplers.py: KSAMPLER(sampler_function, extra_options) whose sample() scales the noise to the first sigma
(sqrt(1 + sigma^2) when it starts at the model's sigma_max, "max_denoise") and calls the sampler function as a
k-diffusion sampler; and a model whose model_sampling holds the float32 sigma table of ModelSamplingDiscrete."""

from __future__ import annotations

import math
import sys
import types

import torch


class KSAMPLER:
    def __init__(self, sampler_function, extra_options={}, inpaint_options={}):  # noqa: B006 - ComfyUI's signature
        self.sampler_function = sampler_function
        self.extra_options = extra_options
        self.inpaint_options = inpaint_options

    def sample(self, model_wrap, sigmas, extra_args, callback, noise, latent_image=None, denoise_mask=None, disable_pbar=False):
        max_sigma = float(model_wrap.inner_model.model_sampling.sigma_max)
        sigma = float(sigmas[0])
        if math.isclose(max_sigma, sigma, rel_tol=1e-05) or sigma > max_sigma:
            noise = noise * torch.sqrt(1.0 + sigmas[0] ** 2.0)
        else:
            noise = noise * sigmas[0]
        total_steps = len(sigmas) - 1
        k_callback = (lambda x: callback(x["i"], x["denoised"], x["x"], total_steps)) if callback is not None else None
        return self.sampler_function(model_wrap, noise, sigmas, extra_args=extra_args, callback=k_callback,
                                     disable=disable_pbar, **self.extra_options)


class ModelSamplingDiscrete:
    def __init__(self, betas: torch.Tensor):
        alphas_cumprod = torch.cumprod(1.0 - betas.double(), dim=0)
        self.sigmas = (((1 - alphas_cumprod) / alphas_cumprod) ** 0.5).float()
        self.sigma_max = self.sigmas[-1]


class ModelWrap:
    """CFGGuider-like: model_wrap(x, sigma, **extra_args) -> denoised; inner_model.model_sampling holds the sigmas."""

    def __init__(self, denoiser_ve, betas):
        self.inner_model = types.SimpleNamespace(model_sampling=ModelSamplingDiscrete(betas))
        self.denoiser_ve = denoiser_ve

    def __call__(self, x, sigma, **extra_args):
        return self.denoiser_ve(x, sigma)


class ModelPatcher:
    def __init__(self, wrap: ModelWrap):
        self.wrap = wrap

    def get_model_object(self, name):
        assert name == "model_sampling"
        return self.wrap.inner_model.model_sampling


def install():
    comfy = types.ModuleType("comfy")
    samplers = types.ModuleType("comfy.samplers")
    samplers.KSAMPLER = KSAMPLER
    comfy.samplers = samplers
    sys.modules["comfy"] = comfy
    sys.modules["comfy.samplers"] = samplers
