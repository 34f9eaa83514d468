"""Reference trace for LLaCA's dynamic EMA as the official CoIN code applies it (issue 17 items 4, 5, 6).

Run from the repository root with Debian's torch (no other package):

    /usr/bin/python3 tools/goldens/llaca_ema_reference.py

Written from the update rule of /work/shared/specs/llaca.md §2.3 and the trainer order of §2.6, not from the
official source. Per optimizer step t of a two-tensor model (W: 2x2, always in the loss; P: 2, the "projector",
only on steps that have an image vector v):

    loss = sum((W x + P * v - y)^2)            (the P term only when v is given)
    backward; clip_grad_norm_(max_norm) in place; SGD  theta <- theta - lr * g
    per tensor:  first call:  theta* <- copy(theta)
                 a = |theta - theta*|_1,  b = |g_t|_1,  c = |g_t - g_{t-1}|_1
                 k = (1 + b) / (a c) * s   when g_t and g_{t-1} both exist, else no k
                 w = k if 0 < k < 1 else w_fb
                 theta* <- (1 - w) theta* + w theta
                 g_{t-1} <- copy(g_t)      (None when the tensor had no gradient: the next step has no k either)
    zero_grad(set_to_none=True)            (torch >= 2's default: a tensor outside the next loss has grad None)

s = 0.01 and w_fb = 0.01 (Continual-NExT's scale) so that the adaptive branch fires on tensors this small.
Writes continual/src/test/resources/goldens/llaca_ema_trace.json (inputs and, per step, theta, theta*, g, a, b, c,
k and the branch, float32 values as decimal strings) and prints a table with the first steps' k by hand.
"""

import json
import math
import os

import torch

S = 0.01
W_FB = 0.01
LR = 0.5
CLIP = 1.0
W0 = [[0.5, -0.3], [0.2, 0.1]]
P0 = [0.1, -0.2]
STEPS = [
    {"x": [1.0, 0.5], "y": [0.0, 1.0], "v": [1.0, 2.0]},
    {"x": [0.5, -1.0], "y": [1.0, 0.0], "v": [0.5, -1.0]},
    {"x": [-1.0, 1.0], "y": [0.5, 0.5], "v": None},  # text only: P takes no part in the loss
    {"x": [1.0, 1.0], "y": [-1.0, 0.5], "v": [2.0, 0.5]},
    {"x": [0.2, -0.5], "y": [0.3, -0.2], "v": [1.0, 1.0]},
    {"x": [-0.5, 0.3], "y": [1.0, 1.0], "v": [-1.0, 0.5]},
    {"x": [0.8, 0.1], "y": [0.0, -1.0], "v": None},
    {"x": [0.3, 0.9], "y": [-0.5, 0.2], "v": [0.5, 0.5]},
]


def floats(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.set_default_dtype(torch.float32)
    params = {"w": torch.tensor(W0, requires_grad=True), "projector": torch.tensor(P0, requires_grad=True)}
    ema = {}
    previous = {}
    trace = []
    for t, step in enumerate(STEPS):
        x = torch.tensor(step["x"])
        y = torch.tensor(step["y"])
        h = params["w"] @ x
        if step["v"] is not None:
            h = h + params["projector"] * torch.tensor(step["v"])
        loss = ((h - y) ** 2).sum()
        loss.backward()
        with_grad = [p for p in params.values() if p.grad is not None]
        norm = torch.nn.utils.clip_grad_norm_(with_grad, CLIP)
        with torch.no_grad():
            for p in with_grad:
                p -= LR * p.grad
        row = {"step": t, "loss": float(loss), "gradientNorm": float(norm), "tensors": {}}
        with torch.no_grad():
            for name, p in params.items():
                if name not in ema:
                    ema[name] = p.detach().clone()
                g = p.grad
                prev = previous.get(name)
                entry = {"hasGradient": g is not None}
                k = None
                if g is not None and prev is not None:
                    a = (p - ema[name]).abs().sum()
                    b = g.abs().sum()
                    c = (g - prev).abs().sum()
                    k = float((1 + b) / (a * c) * S)
                    entry.update(a=float(a), b=float(b), c=float(c))
                adaptive = k is not None and 0 < k < 1
                weight = k if adaptive else W_FB
                ema[name] = ema[name] * (1 - weight) + p * weight
                previous[name] = None if g is None else g.detach().clone()
                entry.update(coefficient=k, adaptive=adaptive, theta=floats(p), ema=floats(ema[name]),
                             gradient=None if g is None else floats(g))
                row["tensors"][name] = entry
        for p in params.values():
            p.grad = None  # zero_grad(set_to_none=True)
        trace.append(row)

    out = {"scale": S, "fallbackCurrentWeight": W_FB, "learningRate": LR, "clipNorm": CLIP,
           "w0": W0, "p0": P0, "steps": STEPS, "trace": trace}
    path = os.path.join("continual", "src", "test", "resources", "goldens", "llaca_ema_trace.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"{'step':>4} {'tensor':>9} {'grad':>5} {'a':>9} {'b':>9} {'c':>9} {'k':>10} {'branch':>8}  k by hand")
    for row in trace:
        for name, e in row["tensors"].items():
            k = e["coefficient"]
            hand = ""
            if k is not None:
                hand = f"(1+{e['b']:.6f})/({e['a']:.6f}*{e['c']:.6f})*{S} = {(1 + e['b']) / (e['a'] * e['c']) * S:.6f}"
            print(f"{row['step']:>4} {name:>9} {str(e['hasGradient']):>5} "
                  f"{e.get('a', math.nan):9.5f} {e.get('b', math.nan):9.5f} {e.get('c', math.nan):9.5f} "
                  f"{(math.nan if k is None else k):10.6f} {'adaptive' if e['adaptive'] else 'fallback':>8}  {hand}")
    print("wrote", path)


if __name__ == "__main__":
    main()
