#!/usr/bin/env python3
"""Golden files for dev.perennial.models.diffusion: a tiny UNet2DConditionModel, a tiny AutoencoderKL and one DDIM
step, written from the published architecture (Rombach et al. 2022, "High-Resolution Image Synthesis with Latent
Diffusion Models"; Ho et al. 2020 for the ResNet/attention UNet; Song et al. 2021 for DDIM) in the parameter layout of
Hugging Face diffusers, which is not installed here: every module below is written out in plain torch.

Run from the repository root with Debian's torch:

    /usr/bin/python3 tools/goldens/diffusion_goldens.py

Writes under models/src/test/resources/goldens/diffusion/:
  unet_tiny/config.json, unet_tiny/diffusion_pytorch_model.safetensors   the diffusers-style model directory
  unet_tiny_io.safetensors      __sample, __timestep, __context -> __out (eval forward), and a second timestep
  vae_tiny/config.json, vae_tiny/diffusion_pytorch_model.safetensors
  vae_tiny_io.safetensors       __image -> __mean, __logvar; __latent -> __decoded
  ddim_step.safetensors         one DDIM step (eta 0 and eta 0.5 with given noise), plus classifier-free guidance

Every convolution of the tiny configurations has 1-8 or a multiple of 8 input channels: on this project's AMD EPYC
machines libtorch 2.7.1's CPU convolution under ONEDNN_MAX_CPU_ISA=AVX returns wrong values for 3x3 convolutions
with 9-15 input channels (e.g. 12 = 8 + a 4-channel skip), and under no ceiling for 24; SD-1.5's counts (320, 640,
960, 1280, 1920, 2560) are all multiples of 8.
"""

import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

OUT = os.path.join("models", "src", "test", "resources", "goldens", "diffusion")


# ---------------------------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------------------------
def timestep_embedding(t, dim, flip_sin_to_cos, shift):
    """Transformer sinusoidal embedding of (float) timesteps: frequencies exp(-ln(10000) i / (dim/2 - shift))."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / (half - shift))
    arg = t.float()[:, None] * freqs[None, :]
    sin, cos = torch.sin(arg), torch.cos(arg)
    return torch.cat([cos, sin], dim=-1) if flip_sin_to_cos else torch.cat([sin, cos], dim=-1)


class TimestepEmbedding(nn.Module):
    def __init__(self, cin, dim):
        super().__init__()
        self.linear_1 = nn.Linear(cin, dim)
        self.linear_2 = nn.Linear(dim, dim)

    def forward(self, x):
        return self.linear_2(F.silu(self.linear_1(x)))


class Resnet(nn.Module):
    """GroupNorm -> SiLU -> conv3x3 (+ projected time embedding) -> GroupNorm -> SiLU -> conv3x3, plus shortcut."""

    def __init__(self, cin, cout, temb, groups, eps):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        if temb is not None:
            self.time_emb_proj = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps=eps)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        if cin != cout:
            self.conv_shortcut = nn.Conv2d(cin, cout, 1)
        self.has_temb = temb is not None
        self.has_short = cin != cout

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.has_temb:
            h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.conv_shortcut(x) if self.has_short else x) + h


def attention(q, k, v, heads):
    b, n, d = q.shape
    m = k.shape[1]
    hd = d // heads
    q = q.reshape(b, n, heads, hd).transpose(1, 2)
    k = k.reshape(b, m, heads, hd).transpose(1, 2)
    v = v.reshape(b, m, heads, hd).transpose(1, 2)
    w = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
    return (w @ v).transpose(1, 2).reshape(b, n, d)


class Attention(nn.Module):
    def __init__(self, dim, context_dim, heads, bias):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim, bias=bias)
        self.to_k = nn.Linear(context_dim, dim, bias=bias)
        self.to_v = nn.Linear(context_dim, dim, bias=bias)
        self.to_out = nn.ModuleList([nn.Linear(dim, dim)])

    def forward(self, x, context=None):
        c = x if context is None else context
        return self.to_out[0](attention(self.to_q(x), self.to_k(c), self.to_v(c), self.heads))


class GEGLU(nn.Module):
    def __init__(self, dim, inner):
        super().__init__()
        self.proj = nn.Linear(dim, inner * 2)

    def forward(self, x):
        a, gate = self.proj(x).chunk(2, dim=-1)
        return a * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.ModuleList([GEGLU(dim, 4 * dim), nn.Dropout(0.0), nn.Linear(4 * dim, dim)])

    def forward(self, x):
        return self.net[2](self.net[0](x))


class TransformerBlock(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn1 = Attention(dim, dim, heads, False)
        self.norm2 = nn.LayerNorm(dim)
        self.attn2 = Attention(dim, context_dim, heads, False)
        self.norm3 = nn.LayerNorm(dim)
        self.ff = FeedForward(dim)

    def forward(self, x, context):
        x = self.attn1(self.norm1(x)) + x
        x = self.attn2(self.norm2(x), context) + x
        return self.ff(self.norm3(x)) + x


class Transformer2D(nn.Module):
    """GroupNorm (eps 1e-6) -> 1x1 conv (or linear) in -> transformer block(s) on HW tokens -> out, plus residual."""

    def __init__(self, channels, context_dim, heads, groups, linear):
        super().__init__()
        self.linear = linear
        self.norm = nn.GroupNorm(groups, channels, eps=1e-6)
        self.proj_in = nn.Linear(channels, channels) if linear else nn.Conv2d(channels, channels, 1)
        self.transformer_blocks = nn.ModuleList([TransformerBlock(channels, context_dim, heads)])
        self.proj_out = nn.Linear(channels, channels) if linear else nn.Conv2d(channels, channels, 1)

    def forward(self, x, context):
        b, c, h, w = x.shape
        r = x
        x = self.norm(x)
        if not self.linear:
            x = self.proj_in(x)
        x = x.permute(0, 2, 3, 1).reshape(b, h * w, c)
        if self.linear:
            x = self.proj_in(x)
        for blk in self.transformer_blocks:
            x = blk(x, context)
        if self.linear:
            x = self.proj_out(x)
        x = x.reshape(b, h, w, c).permute(0, 3, 1, 2)
        if not self.linear:
            x = self.proj_out(x)
        return x + r


class Down(nn.Module):
    def __init__(self, c, padding):
        super().__init__()
        self.padding = padding
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=padding)

    def forward(self, x):
        if self.padding == 0:
            x = F.pad(x, (0, 1, 0, 1))
        return self.conv(x)


class Up(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Block(nn.Module):
    """A down or up block: resnets (+ attentions) and an optional resampler."""

    def __init__(self):
        super().__init__()


# ---------------------------------------------------------------------------------------------------------------
# UNet2DConditionModel
# ---------------------------------------------------------------------------------------------------------------
class UNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        boc = cfg["block_out_channels"]
        g, eps, n = cfg["norm_num_groups"], cfg["norm_eps"], cfg["layers_per_block"]
        heads = cfg["attention_head_dim"]
        heads = heads if isinstance(heads, list) else [heads] * len(boc)
        ctx, lin = cfg["cross_attention_dim"], cfg.get("use_linear_projection", False)
        tdim = boc[0] * 4
        self.conv_in = nn.Conv2d(cfg["in_channels"], boc[0], 3, padding=1)
        self.time_embedding = TimestepEmbedding(boc[0], tdim)
        self.down_blocks = nn.ModuleList()
        cout = boc[0]
        for i, kind in enumerate(cfg["down_block_types"]):
            cin, cout = cout, boc[i]
            blk = Block()
            blk.cross = kind == "CrossAttnDownBlock2D"
            blk.resnets = nn.ModuleList([Resnet(cin if j == 0 else cout, cout, tdim, g, eps) for j in range(n)])
            if blk.cross:
                blk.attentions = nn.ModuleList([Transformer2D(cout, ctx, heads[i], g, lin) for _ in range(n)])
            if i < len(boc) - 1:
                blk.downsamplers = nn.ModuleList([Down(cout, cfg.get("downsample_padding", 1))])
            self.down_blocks.append(blk)
        self.mid_block = Block()
        self.mid_block.attentions = nn.ModuleList([Transformer2D(boc[-1], ctx, heads[-1], g, lin)])
        self.mid_block.resnets = nn.ModuleList([Resnet(boc[-1], boc[-1], tdim, g, eps) for _ in range(2)])
        self.up_blocks = nn.ModuleList()
        rev, rheads = list(reversed(boc)), list(reversed(heads))
        cout = rev[0]
        for i, kind in enumerate(cfg["up_block_types"]):
            prev, cout, cin = cout, rev[i], rev[min(i + 1, len(boc) - 1)]
            blk = Block()
            blk.cross = kind == "CrossAttnUpBlock2D"
            blk.resnets = nn.ModuleList()
            for j in range(n + 1):
                skip = cin if j == n else cout
                blk.resnets.append(Resnet((prev if j == 0 else cout) + skip, cout, tdim, g, eps))
            if blk.cross:
                blk.attentions = nn.ModuleList([Transformer2D(cout, ctx, rheads[i], g, lin) for _ in range(n + 1)])
            if i < len(boc) - 1:
                blk.upsamplers = nn.ModuleList([Up(cout)])
            self.up_blocks.append(blk)
        self.conv_norm_out = nn.GroupNorm(g, boc[0], eps=eps)
        self.conv_out = nn.Conv2d(boc[0], cfg["out_channels"], 3, padding=1)

    def forward(self, x, t, context):
        cfg = self.cfg
        emb = timestep_embedding(t, cfg["block_out_channels"][0], cfg["flip_sin_to_cos"], cfg["freq_shift"])
        temb = self.time_embedding(emb)
        h = self.conv_in(x)
        skips = [h]
        for blk in self.down_blocks:
            for j, res in enumerate(blk.resnets):
                h = res(h, temb)
                if blk.cross:
                    h = blk.attentions[j](h, context)
                skips.append(h)
            if hasattr(blk, "downsamplers"):
                h = blk.downsamplers[0](h)
                skips.append(h)
        h = self.mid_block.resnets[0](h, temb)
        h = self.mid_block.attentions[0](h, context)
        h = self.mid_block.resnets[1](h, temb)
        for blk in self.up_blocks:
            for j, res in enumerate(blk.resnets):
                h = res(torch.cat([h, skips.pop()], dim=1), temb)
                if blk.cross:
                    h = blk.attentions[j](h, context)
            if hasattr(blk, "upsamplers"):
                h = blk.upsamplers[0](h)
        return self.conv_out(F.silu(self.conv_norm_out(h)))


# ---------------------------------------------------------------------------------------------------------------
# AutoencoderKL
# ---------------------------------------------------------------------------------------------------------------
class SpatialAttention(nn.Module):
    """One-head self-attention over HW positions with its own GroupNorm (eps 1e-6), plus residual."""

    def __init__(self, c, groups):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, c, eps=1e-6)
        self.to_q = nn.Linear(c, c)
        self.to_k = nn.Linear(c, c)
        self.to_v = nn.Linear(c, c)
        self.to_out = nn.ModuleList([nn.Linear(c, c)])

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.group_norm(x).reshape(b, c, h * w).transpose(1, 2)
        y = self.to_out[0](attention(self.to_q(y), self.to_k(y), self.to_v(y), 1))
        return y.transpose(1, 2).reshape(b, c, h, w) + x


def mid_block(c, g):
    m = Block()
    m.attentions = nn.ModuleList([SpatialAttention(c, g)])
    m.resnets = nn.ModuleList([Resnet(c, c, None, g, 1e-6) for _ in range(2)])
    return m


def run_mid(m, h):
    h = m.resnets[0](h, None)
    h = m.attentions[0](h)
    return m.resnets[1](h, None)


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        boc, g, n = cfg["block_out_channels"], cfg["norm_num_groups"], cfg["layers_per_block"]
        self.conv_in = nn.Conv2d(cfg["in_channels"], boc[0], 3, padding=1)
        self.down_blocks = nn.ModuleList()
        cout = boc[0]
        for i in range(len(boc)):
            cin, cout = cout, boc[i]
            blk = Block()
            blk.resnets = nn.ModuleList([Resnet(cin if j == 0 else cout, cout, None, g, 1e-6) for j in range(n)])
            if i < len(boc) - 1:
                blk.downsamplers = nn.ModuleList([Down(cout, 0)])
            self.down_blocks.append(blk)
        self.mid_block = mid_block(boc[-1], g)
        self.conv_norm_out = nn.GroupNorm(g, boc[-1], eps=1e-6)
        self.conv_out = nn.Conv2d(boc[-1], 2 * cfg["latent_channels"], 3, padding=1)

    def forward(self, x):
        h = self.conv_in(x)
        for blk in self.down_blocks:
            for res in blk.resnets:
                h = res(h, None)
            if hasattr(blk, "downsamplers"):
                h = blk.downsamplers[0](h)
        h = run_mid(self.mid_block, h)
        return self.conv_out(F.silu(self.conv_norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        boc, g, n = cfg["block_out_channels"], cfg["norm_num_groups"], cfg["layers_per_block"]
        rev = list(reversed(boc))
        self.conv_in = nn.Conv2d(cfg["latent_channels"], rev[0], 3, padding=1)
        self.mid_block = mid_block(rev[0], g)
        self.up_blocks = nn.ModuleList()
        cout = rev[0]
        for i in range(len(boc)):
            prev, cout = cout, rev[i]
            blk = Block()
            blk.resnets = nn.ModuleList([Resnet(prev if j == 0 else cout, cout, None, g, 1e-6)
                                         for j in range(n + 1)])
            if i < len(boc) - 1:
                blk.upsamplers = nn.ModuleList([Up(cout)])
            self.up_blocks.append(blk)
        self.conv_norm_out = nn.GroupNorm(g, boc[0], eps=1e-6)
        self.conv_out = nn.Conv2d(boc[0], cfg["out_channels"], 3, padding=1)

    def forward(self, z):
        h = run_mid(self.mid_block, self.conv_in(z))
        for blk in self.up_blocks:
            for res in blk.resnets:
                h = res(h, None)
            if hasattr(blk, "upsamplers"):
                h = blk.upsamplers[0](h)
        return self.conv_out(F.silu(self.conv_norm_out(h)))


class VAE(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        lc = cfg["latent_channels"]
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)
        self.quant_conv = nn.Conv2d(2 * lc, 2 * lc, 1)
        self.post_quant_conv = nn.Conv2d(lc, lc, 1)

    def encode(self, x):
        mean, logvar = self.quant_conv(self.encoder(x)).chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)

    def decode(self, z):
        return self.decoder(self.post_quant_conv(z))


# ---------------------------------------------------------------------------------------------------------------
# Schedules and one DDIM step (Song et al. 2021, eq. 12)
# ---------------------------------------------------------------------------------------------------------------
def alphas_cumprod(n, start, end, kind):
    if kind == "linear":
        betas = torch.linspace(start, end, n, dtype=torch.float64)
    else:  # "scaled_linear": latent diffusion's "linear" (linspace of square roots, squared)
        betas = torch.linspace(start ** 0.5, end ** 0.5, n, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


def ddim_step(eps, t, prev_t, x, ac, final, eta, noise):
    a_t = ac[t]
    a_prev = ac[prev_t] if prev_t >= 0 else final
    x0 = (x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)
    var = (1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)
    std = eta * math.sqrt(var)
    out = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev - std ** 2) * eps
    return out + std * noise if eta > 0 else out


def randomise_norms(model, gen):
    """Non-trivial affine parameters for every norm so that weight/bias mix-ups show."""
    for m in model.modules():
        if isinstance(m, (nn.GroupNorm, nn.LayerNorm)):
            with torch.no_grad():
                m.weight.copy_(1 + 0.2 * torch.randn(m.weight.shape, generator=gen))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=gen))


def write_dir(name, cfg, model):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    sd = {k: v.contiguous() for k, v in model.state_dict().items()}
    st.save(sd, os.path.join(d, "diffusion_pytorch_model.safetensors"), metadata={"format": "pt"})
    return sd


UNET_CFG = {
    "_class_name": "UNet2DConditionModel",
    "act_fn": "silu",
    "attention_head_dim": 2,
    "block_out_channels": [8, 16, 16],
    "center_input_sample": False,
    "cross_attention_dim": 12,
    "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
    "downsample_padding": 1,
    "flip_sin_to_cos": True,
    "freq_shift": 0,
    "in_channels": 4,
    "layers_per_block": 1,
    "mid_block_scale_factor": 1,
    "norm_eps": 1e-05,
    "norm_num_groups": 4,
    "out_channels": 4,
    "sample_size": 8,
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
}

VAE_CFG = {
    "_class_name": "AutoencoderKL",
    "act_fn": "silu",
    "block_out_channels": [8, 16],
    "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"],
    "in_channels": 3,
    "latent_channels": 4,
    "layers_per_block": 1,
    "norm_num_groups": 4,
    "out_channels": 3,
    "sample_size": 8,
    "scaling_factor": 0.18215,
    "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"],
}


def main():
    gen = torch.Generator().manual_seed(20260711)
    torch.manual_seed(24)
    unet = UNet(UNET_CFG).eval()
    randomise_norms(unet, gen)
    write_dir("unet_tiny", UNET_CFG, unet)
    sample = torch.randn(2, 4, 8, 8, generator=gen)
    context = torch.randn(2, 5, 12, generator=gen)
    t = torch.tensor([17.0, 803.0])
    with torch.no_grad():
        out = unet(sample, t, context)
        uncond = unet(sample, t, torch.zeros_like(context))
    st.save({"__sample": sample, "__timestep": t, "__context": context, "__out": out, "__out_uncond": uncond},
            os.path.join(OUT, "unet_tiny_io.safetensors"))

    vae = VAE(VAE_CFG).eval()
    randomise_norms(vae, gen)
    write_dir("vae_tiny", VAE_CFG, vae)
    image = torch.rand(2, 3, 8, 8, generator=gen) * 2 - 1
    latent = torch.randn(2, 4, 4, 4, generator=gen)
    with torch.no_grad():
        mean, logvar = vae.encode(image)
        decoded = vae.decode(latent)
    st.save({"__image": image, "__mean": mean, "__logvar": logvar, "__latent": latent, "__decoded": decoded},
            os.path.join(OUT, "vae_tiny_io.safetensors"))

    # One DDIM step of 50 ("leading" spacing, steps_offset 1: 981, 961, ...), SD's scheduler configuration
    # (scaled_linear 0.00085..0.012, set_alpha_to_one false), on the UNet's output; and classifier-free guidance.
    ac = alphas_cumprod(1000, 0.00085, 0.012, "scaled_linear")
    steps = (torch.arange(0, 50) * (1000 // 50)).flip(0) + 1
    t0, t1 = int(steps[0]), int(steps[1])
    x = sample.double()
    guided = uncond.double() + 7.5 * (out.double() - uncond.double())
    noise = torch.randn(2, 4, 8, 8, generator=gen)
    final = float(ac[0])
    step0 = ddim_step(guided, t0, t1, x, ac, final, 0.0, None)
    step5 = ddim_step(guided, t0, t1, x, ac, final, 0.5, noise.double())
    last = ddim_step(guided, int(steps[-1]), int(steps[-1]) - 20, x, ac, final, 0.0, None)
    lin = alphas_cumprod(1000, 0.0001, 0.02, "linear")
    st.save({"__timesteps": steps.to(torch.int64), "__guided": guided.float(), "__noise": noise,
             "__step_eta0": step0.float(), "__step_eta05": step5.float(), "__step_last": last.float(),
             "__alphas_cumprod_scaled": ac.float(), "__alphas_cumprod_linear": lin.float()},
            os.path.join(OUT, "ddim_step.safetensors"))
    for f in sorted(os.listdir(OUT)):
        p = os.path.join(OUT, f)
        print(f, os.path.getsize(p) if os.path.isfile(p) else "dir")


if __name__ == "__main__":
    main()
