#!/usr/bin/env python3
"""Why Id3Benchmark's synthetic faces are noise-like (issue #24): samples a trained plain id3 denoiser file (one
without attribute conditioning, as Id3Benchmark's plain-diffusion arm writes it) with the DDIM sampler the
benchmark uses (T = 100, linear beta 0.001 -> 0.2, 10 "leading" steps 90, 80, ..., 0, eta 0, alpha = 1 past the last
step, classifier-free guidance 1.5 with the zero identity as the null condition, no identity guidance), in PyTorch
with the goldens' UNet (tools/goldens/diffusion_goldens.py; the file's unet.* tensors load strictly), three ways:

  none      x0_hat = (x_t - sqrt(1 - a_t) eps) / sqrt(a_t) used as is (what models.diffusion.DdimSampler does)
  keep-eps  x0_hat clipped to [-1, 1], eps kept (diffusers' DDIMScheduler with clip_sample=True, its default)
  rederive  x0_hat clipped, eps re-derived from it (diffusers' use_clipped_model_output=True)

and prints, per way, the share of raw sample values outside [-1, 1], their std, and the mean RMS difference in
[0, 1] pixels between two samples of the same anchor from different x_T (Id3Benchmark's intra-class pixel diversity;
the generated faces themselves give 0.176 there).

    OMP_NUM_THREADS=1 /usr/bin/python3 tools/id3_sample_check.py \
        target/benchmarks/id3-runs/seed-1/denoiser-plain/<run>/plugins/learner/id3-denoiser.safetensors
"""

import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens"))
import diffusion_goldens as dg  # noqa: E402
import st  # noqa: E402

CFG = {"in_channels": 3, "out_channels": 3, "block_out_channels": [8, 16],
       "down_block_types": ["CrossAttnDownBlock2D"] * 2, "up_block_types": ["CrossAttnUpBlock2D"] * 2,
       "layers_per_block": 1, "attention_head_dim": [2, 2], "cross_attention_dim": 16, "norm_num_groups": 8,
       "norm_eps": 1e-5, "flip_sin_to_cos": True, "freq_shift": 0, "downsample_padding": 1,
       "use_linear_projection": False}
T = 100
TOKENS = 2


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    tensors = st.load(sys.argv[1])
    tensors = tensors[0] if isinstance(tensors, tuple) else tensors
    if any(k.startswith("attribute_proj") for k in tensors):
        sys.exit(sys.argv[1] + ": has attribute_proj tensors; this check takes the plain denoiser only")
    unet = dg.UNet(CFG)
    unet.load_state_dict({k[len("unet."):]: v for k, v in tensors.items() if k.startswith("unet.")}, strict=True)
    w, b = tensors["identity_proj.weight"], tensors["identity_proj.bias"]
    betas = torch.linspace(0.001, 0.2, T, dtype=torch.float64)
    ac = torch.cumprod(1 - betas, 0)

    def context(y):
        return (y @ w.T + b).reshape(y.shape[0], TOKENS, CFG["cross_attention_dim"])

    def sample(x, y, clip, steps=10, scale=1.5):
        ratio = T // steps
        for i in range(steps - 1, -1, -1):
            t, prev = i * ratio, i * ratio - ratio
            at, ap = ac[t].item(), (ac[prev].item() if prev >= 0 else 1.0)
            with torch.no_grad():
                e = unet(torch.cat([x, x]), torch.full((2 * x.shape[0],), t),
                         torch.cat([context(torch.zeros_like(y)), context(y)]))
            eu, ec = e.chunk(2)
            eps = eu + scale * (ec - eu)
            x0 = (x - math.sqrt(1 - at) * eps) / math.sqrt(at)
            if clip != "none":
                x0 = x0.clamp(-1, 1)
            if clip == "rederive":
                eps = (x - math.sqrt(at) * x0) / math.sqrt(1 - at)
            x = math.sqrt(ap) * x0 + math.sqrt(1 - ap) * eps
        return x

    y = torch.nn.functional.normalize(torch.randn(8, w.shape[1]), dim=1)
    first, second = torch.randn(8, 3, 16, 16), torch.randn(8, 3, 16, 16)
    print(f"{'x0 clipping':<10} {'|x| > 1':>8} {'std':>7} {'same-anchor RMS diff':>21}")
    for clip in ("none", "keep-eps", "rederive"):
        a, c = sample(first, y, clip), sample(second, y, clip)
        pa, pc = ((a + 1) / 2).clamp(0, 1), ((c + 1) / 2).clamp(0, 1)
        rms = ((pa - pc) ** 2).mean(dim=(1, 2, 3)).sqrt().mean().item()
        print(f"{clip:<10} {(a.abs() > 1).float().mean().item():>8.3f} {a.std().item():>7.2f} {rms:>21.3f}")


if __name__ == "__main__":
    main()
