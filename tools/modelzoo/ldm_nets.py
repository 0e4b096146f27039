"""Networks of the fashion-ldm zoo model (issue 22): a KL autoencoder (28x28x1 <-> 4x7x7), a small prompt encoder
(token embedding table + two transformer layers, trained with the UNet) and a latent UNet with cross-attention on
the prompt embeddings. The layouts follow Stable Diffusion's at toy size: ResNet blocks with a time embedding,
transformer blocks of self-attention, cross-attention and a GEGLU feed-forward, GroupNorm and SiLU throughout."""

import math
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

from train import timestep_embedding  # noqa: F401 (the same sinusoidal embedding as the pixel-space zoo UNets)

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
TOKENS = 12
WIDTH = 64
# Word-level vocabulary: the template words, every word of the class names, and the special tokens (CLIP-like: the
# sequence starts with <bos>, ends with <eos> and is padded to TOKENS; the empty prompt is "<bos> <eos> <pad>...").
SPECIAL = ["<pad>", "<bos>", "<eos>"]
TEMPLATE = "a photo of a {}"


def words(text):
    return re.findall(r"[a-z]+", text.lower())


VOCAB = SPECIAL + sorted({w for name in CLASSES for w in words(TEMPLATE.format(name))})


def prompt(k):
    """Prompt text of class k; None is the empty prompt."""
    return "" if k is None else TEMPLATE.format(CLASSES[k].lower())


def tokenize(text):
    ids = [1] + [VOCAB.index(w) for w in words(text)] + [2]
    if len(ids) > TOKENS:
        raise ValueError(f"prompt {text!r} has {len(ids)} tokens, more than {TOKENS}")
    return ids + [0] * (TOKENS - len(ids))


class GroupNorm(nn.GroupNorm):
    def __init__(self, channels):
        super().__init__(min(8, channels // 4), channels)


# ---------------------------------------------------------------------------------------------
# autoencoder


class Block(nn.Module):
    """ResNet block without time input (autoencoder)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.n1, self.c1 = GroupNorm(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.n2, self.c2 = GroupNorm(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x):
        h = self.c1(F.silu(self.n1(x)))
        return self.skip(x) + self.c2(F.silu(self.n2(h)))


class Encoder(nn.Module):
    def __init__(self, c0=16, c1=32, c2=64, latent=4):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, c0, 3, padding=1), nn.SiLU(), nn.Conv2d(c0, c1, 3, stride=2, padding=1),  # 14
            Block(c1, c1), nn.Conv2d(c1, c2, 3, stride=2, padding=1),  # 7
            Block(c2, c2), GroupNorm(c2), nn.SiLU(), nn.Conv2d(c2, 2 * latent, 3, padding=1))

    def forward(self, x):
        mean, logvar = self.net(x).chunk(2, dim=1)
        return mean, logvar.clamp(-20.0, 10.0)


class Decoder(nn.Module):
    """latent_sample [B, 4, 7, 7] -> sample [B, 1, 28, 28] (images in [-1, 1] up to reconstruction error)."""

    def __init__(self, c0=16, c1=32, c2=64, latent=4):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(latent, c2, 3, padding=1), Block(c2, c2), Block(c2, c2),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c2, c1, 3, padding=1), Block(c1, c1),  # 14
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c1, c0, 3, padding=1),  # 28
            GroupNorm(c0), nn.SiLU(), nn.Conv2d(c0, 1, 3, padding=1))

    def forward(self, z):
        return self.net(z)


class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder, self.decoder = Encoder(), Decoder()


# ---------------------------------------------------------------------------------------------
# prompt encoder


class TextEncoder(nn.Module):
    """Token ids [B, TOKENS] -> last hidden state [B, TOKENS, WIDTH] (what SD's CLIP text encoder hands the UNet)."""

    def __init__(self, layers=2, heads=4):
        super().__init__()
        self.token = nn.Embedding(len(VOCAB), WIDTH)
        self.position = nn.Parameter(torch.randn(TOKENS, WIDTH) * 0.02)
        layer = nn.TransformerEncoderLayer(WIDTH, heads, 2 * WIDTH, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
        self.layers = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(WIDTH)

    def forward(self, ids):
        return self.norm(self.layers(self.token(ids) + self.position))


# ---------------------------------------------------------------------------------------------
# latent UNet


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.n1, self.c1 = GroupNorm(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout)
        self.n2, self.c2 = GroupNorm(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = self.c1(F.silu(self.n1(x))) + self.t(emb)[:, :, None, None]
        return self.skip(x) + self.c2(F.silu(self.n2(h)))


class CrossAttention(nn.Module):
    def __init__(self, c, context, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(c, c, bias=False), nn.Linear(context, c, bias=False), nn.Linear(context, c, bias=False)
        self.out = nn.Linear(c, c)

    def forward(self, x, context):
        b, n, c = x.shape
        h, d = self.heads, c // self.heads
        q = self.q(x).reshape(b, n, h, d).transpose(1, 2)
        k = self.k(context).reshape(b, -1, h, d).transpose(1, 2)
        v = self.v(context).reshape(b, -1, h, d).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(d), dim=-1)
        return self.out((a @ v).transpose(1, 2).reshape(b, n, c))


class TransformerBlock(nn.Module):
    """SD's BasicTransformerBlock inside a Transformer2DModel: self-attention, cross-attention on the prompt, GEGLU."""

    def __init__(self, c, heads=4):
        super().__init__()
        self.norm_in, self.proj_in, self.proj_out = GroupNorm(c), nn.Conv2d(c, c, 1), nn.Conv2d(c, c, 1)
        self.n1, self.self_attn = nn.LayerNorm(c), CrossAttention(c, c, heads)
        self.n2, self.cross_attn = nn.LayerNorm(c), CrossAttention(c, WIDTH, heads)
        self.n3, self.ff_in, self.ff_out = nn.LayerNorm(c), nn.Linear(c, 4 * c), nn.Linear(2 * c, c)

    def forward(self, x, context):
        b, c, hh, ww = x.shape
        h = self.proj_in(self.norm_in(x)).reshape(b, c, hh * ww).transpose(1, 2)
        n1 = self.n1(h)
        h = h + self.self_attn(n1, n1)
        h = h + self.cross_attn(self.n2(h), context)
        a, gate = self.ff_in(self.n3(h)).chunk(2, dim=-1)
        h = h + self.ff_out(a * F.gelu(gate))
        return x + self.proj_out(h.transpose(1, 2).reshape(b, c, hh, ww))


def upsample_to_7(h):
    """4x4 -> 7x7: nearest-neighbour doubling to 8x8, cropped (7 = 2 * 4 - 1 undoes the stride-2 convolution's size).
    Written with Expand rather than F.interpolate so the graph has no Resize node, whose float32-only scales input
    would stand in the way of the float16 export."""
    c, n = h.shape[1], h.shape[2]
    return h[:, :, :, None, :, None].expand(-1, -1, -1, 2, -1, 2).reshape(-1, c, 2 * n, 2 * n)[:, :, :7, :7]


class UNet(nn.Module):
    """Latent UNet on [B, 4, 7, 7]: level 1 at 7x7 (c1 channels), level 2 at 4x4 (c2 channels); a transformer block
    after every ResNet block. Inputs and output carry optimum's names for an SD UNet export."""

    def __init__(self, c1=48, c2=96, temb=128):
        super().__init__()
        self.temb = temb
        self.time_mlp = nn.Sequential(nn.Linear(temb, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.inp = nn.Conv2d(4, c1, 3, padding=1)
        self.d1, self.a1 = ResBlock(c1, c1, temb), TransformerBlock(c1)
        self.down = nn.Conv2d(c1, c1, 3, stride=2, padding=1)  # 7 -> 4
        self.d2, self.a2 = ResBlock(c1, c2, temb), TransformerBlock(c2)
        self.m1, self.am, self.m2 = ResBlock(c2, c2, temb), TransformerBlock(c2), ResBlock(c2, c2, temb)
        self.u2, self.b2 = ResBlock(2 * c2, c2, temb), TransformerBlock(c2)
        self.up = nn.Conv2d(c2, c1, 3, padding=1)
        self.u1, self.b1 = ResBlock(2 * c1, c1, temb), TransformerBlock(c1)
        self.out_norm, self.out = GroupNorm(c1), nn.Conv2d(c1, 4, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, sample, timestep, encoder_hidden_states):
        # The sinusoidal embedding is computed in float32 whatever the network's dtype (as diffusers does), then cast.
        emb = F.silu(self.time_mlp(timestep_embedding(timestep, self.temb).to(sample.dtype)))
        ctx = encoder_hidden_states
        h1 = self.a1(self.d1(self.inp(sample), emb), ctx)
        h2 = self.a2(self.d2(self.down(h1), emb), ctx)
        h = self.m2(self.am(self.m1(h2, emb), ctx), emb)
        h = self.b2(self.u2(torch.cat([h, h2], 1), emb), ctx)
        h = self.up(upsample_to_7(h))
        h = self.b1(self.u1(torch.cat([h, h1], 1), emb), ctx)
        return self.out(F.silu(self.out_norm(h)))
