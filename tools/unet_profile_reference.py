#!/usr/bin/env python3
"""PyTorch side of `bin/benchmark diffusion.UNetProfile` (issue #24): the same UNet2DConditionModel as the ID3
denoiser's (pixel space, 3 -> 3 channels, block_out_channels [8, 16], one resnet per level, cross-attention at every
level, 2 heads, cross_attention_dim 16, GroupNorm 8 groups eps 1e-5, 3 context tokens, 16 x 16 images), built from
tools/goldens/diffusion_goldens.py (our own modules written from the published architecture; the Java goldens are
checked against them), timed per block type on the shapes at which the UNet calls them, forward alone and forward +
backward of sum(out * u), in CPU seconds of this thread (time.thread_time), one intra-op thread.

Also counts the forward's FLOPs (2 per multiply-add of every convolution, linear layer and attention product;
normalisations, activations and additions not counted) and prints them.

Run from the repository root, one thread, the same oneDNN ceiling as bin/benchmark:

    OMP_NUM_THREADS=1 ONEDNN_MAX_CPU_ISA=AVX /usr/bin/python3 tools/unet_profile_reference.py \
        --batches 16,48 --repeats 5 --out target/benchmarks/unet-profile-pytorch.json
"""

import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens"))
import diffusion_goldens as dg  # noqa: E402

CFG = {
    "in_channels": 3, "out_channels": 3, "block_out_channels": [8, 16],
    "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
    "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    "layers_per_block": 1, "attention_head_dim": [2, 2], "cross_attention_dim": 16, "norm_num_groups": 8,
    "norm_eps": 1e-5, "flip_sin_to_cos": True, "freq_shift": 0, "downsample_padding": 1,
    "use_linear_projection": False,
}
SIZE = 16
TOKENS = 3


def sites(unet):
    """(block type, module, input shapes without the batch, how to call it) for every call the UNet makes."""
    c = CFG["cross_attention_dim"]
    out = []
    d0, d1 = unet.down_blocks
    u0, u1 = unet.up_blocks
    mid = unet.mid_block
    out.append(("time-embedding", unet.time_embedding, [(8,)], "plain"))
    out.append(("conv-in/out", unet.conv_in, [(3, 16, 16)], "plain"))
    out.append(("conv-in/out", unet.conv_out, [(8, 16, 16)], "plain"))
    for name, res, shape in [("d0", d0.resnets[0], (8, 16)), ("d1", d1.resnets[0], (8, 8)),
                             ("m0", mid.resnets[0], (16, 8)), ("m1", mid.resnets[1], (16, 8)),
                             ("u00", u0.resnets[0], (32, 8)), ("u01", u0.resnets[1], (24, 8)),
                             ("u10", u1.resnets[0], (24, 16)), ("u11", u1.resnets[1], (16, 16))]:
        ch, s = shape
        out.append(("resnet", res, [(ch, s, s), (32,)], "temb"))
        out.append(("group-norm", res.norm1, [(ch, s, s)], "plain"))
        out.append(("group-norm", res.norm2, [(res.conv1.out_channels, s, s)], "plain"))
    for tr, ch, s in [(d0.attentions[0], 8, 16), (d1.attentions[0], 16, 8), (mid.attentions[0], 16, 8),
                      (u0.attentions[0], 16, 8), (u0.attentions[1], 16, 8), (u1.attentions[0], 8, 16),
                      (u1.attentions[1], 8, 16)]:
        out.append(("transformer-2d", tr, [(ch, s, s), (TOKENS, c)], "context"))
        out.append(("group-norm", tr.norm, [(ch, s, s)], "plain"))
        blk = tr.transformer_blocks[0]
        out.append(("self-attention", blk.attn1, [(s * s, ch)], "plain"))
        out.append(("cross-attention", blk.attn2, [(s * s, ch), (TOKENS, c)], "context"))
        out.append(("feed-forward", blk.ff, [(s * s, ch)], "plain"))
    out.append(("group-norm", unet.conv_norm_out, [(8, 16, 16)], "plain"))
    # the attention product of the three 16 x 16 self-attention calls alone: whole batch, and batch slices of at
    # most 2^20 scores (what models.diffusion.Attention does since issue #24)
    for _ in range(3):
        out.append(("attend-16px-whole", None, [(2, 256, 4)] * 3, "attend"))
        out.append(("attend-16px-sliced", None, [(2, 256, 4)] * 3, "sliced"))
    out.append(("downsample", d0.downsamplers[0], [(8, 16, 16)], "plain"))
    out.append(("upsample", u0.upsamplers[0], [(16, 8, 8)], "plain"))
    return out


def flops(unet, batch):
    """Forward FLOPs by module hooks: convolutions and linears, plus the two attention products per call."""
    total = {"conv": 0, "linear": 0, "attention-matmul": 0}
    hooks = []

    def conv_hook(m, inp, outp):
        k = m.kernel_size[0] * m.kernel_size[1]
        total["conv"] += 2 * outp.numel() * (m.in_channels // m.groups) * k

    def linear_hook(m, inp, outp):
        total["linear"] += 2 * outp.numel() * m.in_features

    def attn_hook(m, inp, outp):
        x = inp[0]
        ctx = inp[1] if len(inp) > 1 and inp[1] is not None else x
        b, n, d = x.shape
        total["attention-matmul"] += 2 * 2 * b * n * ctx.shape[1] * d  # QK^T and AV, all heads together

    for m in unet.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
        elif isinstance(m, dg.Attention):
            hooks.append(m.register_forward_hook(attn_hook))
    with torch.no_grad():
        unet(torch.randn(batch, 3, SIZE, SIZE), torch.randint(0, 100, (batch,)),
             torch.randn(batch, TOKENS, CFG["cross_attention_dim"]))
    for h in hooks:
        h.remove()
    total["total"] = sum(total.values())
    return total


def attention_heads(q, k, v):
    """softmax(q k^T / sqrt(d)) v on (B, H, S, d) heads, as the goldens' attention does after splitting heads."""
    return torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]), dim=-1) @ v


def sliced(q, k, v, max_scores=1 << 20):
    per = q.shape[1] * q.shape[2] * k.shape[2]
    c = max(1, max_scores // per)
    if c >= q.shape[0]:
        return attention_heads(q, k, v)
    return torch.cat([attention_heads(q[i:i + c], k[i:i + c], v[i:i + c]) for i in range(0, q.shape[0], c)], 0)


def call(module, kind, args):
    if kind == "attend":
        return attention_heads(*args)
    if kind == "sliced":
        return sliced(*args)
    if kind == "temb":
        return module(args[0], args[1])
    if kind == "context":
        return module(args[0], args[1])
    return module(args[0])


def timed(fn, repeats):
    fn()  # warm-up
    out = []
    for _ in range(repeats):
        t0 = time.thread_time()
        fn()
        out.append(time.thread_time() - t0)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batches", default="16,48")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--out", default="target/benchmarks/unet-profile-pytorch.json")
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    unet = dg.UNet(CFG)
    result = {"side": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
              "onednn_max_cpu_isa": os.environ.get("ONEDNN_MAX_CPU_ISA", "unset"), "repeats": a.repeats,
              "load_average": os.getloadavg(), "batches": {}}
    for batch in [int(b) for b in a.batches.split(",")]:
        fl = flops(unet, batch)
        rows = {}
        for kind, module, shapes, how in sites(unet):
            args = [torch.randn((batch,) + s) for s in shapes]
            if how == "plain" and kind == "time-embedding":
                args = [torch.randn(batch, 8)]
            u = torch.randn_like(call(module, how, args))

            def fwd():
                with torch.no_grad():
                    call(module, how, args)

            def fwd_bwd():
                for t in args:
                    t.requires_grad_(True)
                (call(module, how, args) * u).sum().backward()
                if module is not None:
                    module.zero_grad(set_to_none=True)
                for t in args:
                    t.grad = None

            r = rows.setdefault(kind, {"calls": 0, "forward": [0.0] * a.repeats, "forward_backward": [0.0] * a.repeats})
            r["calls"] += 1
            for i, v in enumerate(timed(fwd, a.repeats)):
                r["forward"][i] += v
            for i, v in enumerate(timed(fwd_bwd, a.repeats)):
                r["forward_backward"][i] += v
        x = torch.randn(batch, 3, SIZE, SIZE)
        t = torch.randint(0, 100, (batch,))
        ctx = torch.randn(batch, TOKENS, CFG["cross_attention_dim"])

        def whole_fwd():
            with torch.no_grad():
                unet(x, t, ctx)

        def whole_step():
            (unet(x, t, ctx) ** 2).mean().backward()
            unet.zero_grad(set_to_none=True)

        rows["unet"] = {"calls": 1, "forward": timed(whole_fwd, a.repeats), "forward_backward": timed(whole_step, a.repeats)}
        result["batches"][str(batch)] = {"flops_forward": fl, "rows": rows}
        print(f"batch {batch}: forward FLOPs {fl['total']:,} (conv {fl['conv']:,}, linear {fl['linear']:,}, "
              f"attention products {fl['attention-matmul']:,})")
        print(f"{'block type':<16} {'calls':>5} {'forward CPU-s':>20} {'fwd+bwd CPU-s':>20}")
        for kind, r in rows.items():
            f, fb = r["forward"], r["forward_backward"]
            print(f"{kind:<16} {r['calls']:>5} {mean(f):>11.4f} ± {std(f):.4f} {mean(fb):>11.4f} ± {std(fb):.4f}")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    print("wrote", a.out)


def mean(v):
    return sum(v) / len(v)


def std(v):
    if len(v) < 2:
        return 0.0
    m = mean(v)
    return math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))


if __name__ == "__main__":
    main()
