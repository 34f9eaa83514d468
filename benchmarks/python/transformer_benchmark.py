"""Forward+backward steps/s of ViT-S/16 and a LLaMA decoder block in Debian's PyTorch (the reference side of
dev.perennial.benchmarks.TransformerTrainingThroughput).

The architectures are the torch modules of tools/goldens/transformer_goldens.py (the ones the Java blocks are
tested against), so both sides run the same computation: identical shapes, hand-written attention (torch 1.13 has
no fused SDPA, DJL neither), loss = mean(output^2), backward, gradients cleared. fp32, 2 intra-op threads.

    /usr/bin/python3 benchmarks/python/transformer_benchmark.py --batch224 8 --steps 5 --json benchmarks/results/torch.json
"""

import argparse
import json
import os
import platform
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "goldens"))
import transformer_goldens as arch  # noqa: E402


def cases(batch224, batch32):
    def vit(img, batch):
        torch.manual_seed(0)
        model = arch.VisionTransformer(img=img, patch=16, dim=384, depth=12, heads=6, classes=1000)
        return model, (torch.randn(batch, 3, img, img),), lambda out: out[2]

    def llama_block():
        torch.manual_seed(0)
        layer = arch.LlamaLayer(dim=256, heads=4, kv_heads=4, hidden=1024, eps=1e-6, theta=10000.0)
        return layer, (torch.randn(8, 64, 256),), lambda out: out

    return [
        ("vit_small_patch16_224", batch224, lambda: vit(224, batch224)),
        ("vit_small_patch16_32px", batch32, lambda: vit(32, batch32)),
        ("llama_block_d256_h4_s64", 8, llama_block),
    ]


def run(make, steps, warmup):
    model, inputs, select = make()
    model.train()
    params = sum(p.numel() for p in model.parameters())
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        loss = select(model(*inputs)).pow(2).mean()
        loss.backward()
        model.zero_grad(set_to_none=True)
        loss.item()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return params, times


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--batch224", type=int, default=8)
    p.add_argument("--batch32", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", default="")
    p.add_argument("--json", default="")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    results = []
    for name, batch, make in cases(a.batch224, a.batch32):
        if a.only and a.only not in name:
            continue
        params, times = run(make, a.steps, a.warmup)
        total = sum(times)
        results.append({"name": name, "framework": "pytorch " + torch.__version__, "batch": batch,
                        "steps": len(times), "parameters": params,
                        "steps_per_second": len(times) / total, "ms_per_step": 1000 * total / len(times)})
        r = results[-1]
        print(f"{name:28s} batch {batch:3d}  {r['steps_per_second']:8.3f} steps/s  {r['ms_per_step']:9.1f} ms/step")
    out = {"threads": a.threads, "machine": platform.processor() or platform.machine(),
           "blas": "openblas" if "openblas" in str(torch.__config__.show()).lower() else "see torch.__config__",
           "results": results}
    if a.json:
        os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
