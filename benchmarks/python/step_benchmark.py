"""PyTorch-eager side (c) of the loop-overhead benchmark (dev.perennial.benchmarks.perf.LoopOverheadBenchmark),
and the GEMM throughput of this torch.

The models are the torch modules the Java blocks are golden-tested against (tools/goldens/transformer_goldens.py
for ViT-S/16 and the LLaMA layer, tools/goldens/cnn_goldens.py for the CIFAR ResNet-18), each a 10-class
classifier. One step, exactly as the Java sides: forward, F.cross_entropy (mean), backward, torch.optim.SGD with
momentum (dampening 0, no weight decay), gradients cleared with zero_grad(set_to_none=True); the loss is read back
with .item(). Batches are made before the clock starts. fp32, --threads intra-op threads (1 by default).

    OMP_NUM_THREADS=1 /usr/bin/python3 benchmarks/python/step_benchmark.py --workload resnet18_cifar --batch 32 \
        --warmup 1 --steps 4 --json /tmp/c.json
    OMP_NUM_THREADS=1 /usr/bin/python3 benchmarks/python/step_benchmark.py --gemm 2048 --json /tmp/gemm.json
"""

import argparse
import json
import os
import platform
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "goldens"))

CLASSES = 10
SHAPES = {"vit_s16_224": (3, 224, 224), "resnet18_cifar": (3, 32, 32), "llama_block_d256_s64": (1, 64, 256)}


class LlamaBlockClassifier(nn.Module):
    """One LLaMA decoder layer over 64 input embeddings, mean-pooled, then a linear head (as LlamaBlockClassifier.java)."""

    def __init__(self):
        super().__init__()
        import transformer_goldens as tg
        self.layer = tg.LlamaLayer(dim=256, heads=4, kv_heads=4, hidden=1024, eps=1e-6, theta=10000.0)
        self.head = nn.Linear(256, CLASSES)

    def forward(self, x):
        return self.head(self.layer(x.reshape(x.shape[0], 64, 256)).mean(1))


def build(workload):
    """The model and the function from a batch to its logits."""
    if workload == "vit_s16_224":
        import transformer_goldens as tg
        model = tg.VisionTransformer(img=224, patch=16, dim=384, depth=12, heads=6, classes=CLASSES)
        return model, lambda x: model(x)[2]
    if workload == "resnet18_cifar":
        import cnn_goldens as cg
        model = cg.ResNet(cg.BasicBlock, [2, 2, 2, 2], base=64, num_classes=CLASSES, cifar=True)
        return model, lambda x: model.forward_all(x)[0]
    if workload == "llama_block_d256_s64":
        model = LlamaBlockClassifier()
        return model, model
    raise SystemExit(f"unknown workload '{workload}'; accepted: {sorted(SHAPES)}")


def train(workload, batch, warmup, steps, lr, momentum, pool_size):
    torch.manual_seed(0)
    model, logits = build(workload)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    pool = torch.rand((pool_size,) + SHAPES[workload])
    batches = []
    for s in range(warmup + steps):
        idx = torch.arange(s * batch, (s + 1) * batch)
        batches.append((pool[idx % pool_size].contiguous(), idx % CLASSES))
    seconds = []
    for s, (x, y) in enumerate(batches):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(logits(x), y)
        loss.backward()
        optimizer.step()
        value = loss.item()
        if s >= warmup:
            seconds.append(time.perf_counter() - start)
        if value != value:
            raise SystemExit(f"{workload}: loss is NaN at step {s}")
    return seconds


def loaded_blas():
    """The BLAS library this process actually mapped (Debian's torch links the libblas.so.3 alternative)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return sorted(os.path.realpath(x) for x in libs)
    except OSError:
        return "unknown"


def gemm(n, repeats):
    a = torch.rand(n, n) * 2 - 1
    b = torch.rand(n, n) * 2 - 1
    (a @ b)[0, 0].item()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        c = a @ b
        c[0, 0].item()
        out.append(2.0 * n ** 3 / (time.perf_counter() - start) / 1e9)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workload", default="")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--pool", type=int, default=64)
    p.add_argument("--gemm", type=int, default=0, help="also time an N x N fp32 matmul (0: no)")
    p.add_argument("--gemm-repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--json", required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    out = {"framework": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
           "machine": platform.processor() or platform.machine(),
           "blas": loaded_blas()}
    if a.workload:
        out.update({"workload": a.workload, "batch": a.batch, "warmup": a.warmup,
                    "step_seconds": train(a.workload, a.batch, a.warmup, a.steps, a.lr, a.momentum, a.pool)})
    if a.gemm > 0:
        out.update({"gemm_n": a.gemm, "gemm_gflops": gemm(a.gemm, a.gemm_repeats)})
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
