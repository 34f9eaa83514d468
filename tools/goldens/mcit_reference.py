"""Float64 reference values for O-LoRA, MoELoRA and MCITlib's metrics (mcit.md §9: goldens for the orthogonality term,
the lambda2 term, the router mixture and the metrics), written from the equations of /work/shared/specs/mcit.md, not
from any official source.

Run from the repository root with Debian's torch (no other package):

    /usr/bin/python3 tools/goldens/mcit_reference.py

Writes continual/src/test/resources/goldens/mcit_reference.json (inputs and outputs as float lists, row-major):

  olora:   h = W0 x + b + s * sum_{j in J} B_j A_j x, slices j = 0..t; J = 0..t (official training, and inference),
           J = {t} (MCITlib training); orth = sum_{j<t} sum |A_j A_t^T|, with its gradient w.r.t. A_t;
           l2 = ||A_t||_2 + ||B_t||_2 (unsquared Frobenius), with its gradients
  moe:     g = softmax(W_r x) (dense) or softmax over each token's top-k logits (others 0);
           h = W0 x + b + s * sum_e g_e B_e A_e x, expert e = rows e*r/E.. of A and columns of B;
           balance = E * sum_e f_e P_e, f_e = share of the token-to-expert dispatches (top-k, or top-1 when dense)
           that go to e, P_e = mean router probability of e
  metrics: a[t][i] lower triangle; MFT = mean a[i][i], MFN = mean a[T-1][i], MAA = mean_t mean_{i<=t} a[t][i],
           BWT = mean_{i<T-1} (a[T-1][i] - a[i][i])
"""

import json
import os

import torch


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def olora(g):
    d_in, d_out, r, slices, t, s = 5, 3, 2, 3, 2, 2.0
    x = torch.randn(4, d_in, generator=g)
    w0 = torch.randn(d_out, d_in, generator=g)
    b0 = torch.randn(d_out, generator=g)
    a = [torch.randn(r, d_in, generator=g) for _ in range(slices)]
    b = [torch.randn(d_out, r, generator=g) for _ in range(slices)]

    def forward(js):
        return x @ w0.T + b0 + s * sum(x @ a[j].T @ b[j].T for j in js)

    a_t = a[t].clone().requires_grad_(True)
    orth = (torch.cat(a[:t]) @ a_t.T).abs().sum()
    orth.backward()
    a_n = a[t].clone().requires_grad_(True)
    b_n = b[t].clone().requires_grad_(True)
    l2 = a_n.norm() + b_n.norm()
    l2.backward()
    return {
        "in": d_in, "out": d_out, "rank": r, "slices": slices, "current": t, "scaling": s,
        "x": flat(x), "w0": flat(w0), "b0": flat(b0), "a": [flat(v) for v in a], "b": [flat(v) for v in b],
        "official": flat(forward(range(t + 1))), "mcitlibTraining": flat(forward([t])),
        "orthogonality": float(orth), "orthogonalityGrad": flat(a_t.grad),
        "l2": float(l2), "l2GradA": flat(a_n.grad), "l2GradB": flat(b_n.grad),
    }


def moe(g):
    d_in, d_out, r, e, s = 5, 3, 4, 2, 1.5
    x = torch.randn(2, 3, d_in, generator=g)
    w0 = torch.randn(d_out, d_in, generator=g)
    b0 = torch.randn(d_out, generator=g)
    wr = torch.randn(e, d_in, generator=g)
    a = torch.randn(r, d_in, generator=g)
    b = torch.randn(d_out, r, generator=g)
    logits = x @ wr.T
    probs = torch.softmax(logits, -1)

    def mixture(gates):
        out = x @ w0.T + b0
        per = r // e
        for k in range(e):
            ak = a[k * per:(k + 1) * per]
            bk = b[:, k * per:(k + 1) * per]
            out = out + s * gates[..., k:k + 1] * (x @ ak.T @ bk.T)
        return out

    def top(k):
        order = torch.argsort(logits, dim=-1, descending=True)
        mask = torch.zeros_like(logits)
        mask.scatter_(-1, order[..., :k], 1.0)
        return mask

    def balance(dispatch):
        f = dispatch.reshape(-1, e).sum(0) / dispatch.sum()
        p = probs.reshape(-1, e).mean(0)
        return float(e * (f * p).sum())

    top1 = top(1)
    gates1 = torch.softmax(logits.masked_fill(top1 == 0, float("-inf")), -1)
    return {
        "in": d_in, "out": d_out, "rank": r, "experts": e, "scaling": s,
        "x": flat(x), "w0": flat(w0), "b0": flat(b0), "router": flat(wr), "a": flat(a), "b": flat(b),
        "dense": flat(mixture(probs)), "top1": flat(mixture(gates1)), "balanceDense": balance(top1),
    }


def metrics(g):
    t = 4
    a = (torch.rand(t, t, generator=g) * 100).tril()
    mft = float(a.diagonal().mean())
    mfn = float(a[t - 1].mean())
    maa = float(sum(a[k, :k + 1].mean() for k in range(t)) / t)
    bwt = float(sum(a[t - 1, i] - a[i, i] for i in range(t - 1)) / (t - 1))
    return {"matrix": [flat(a[k, :k + 1]) for k in range(t)], "mft": mft, "mfn": mfn, "maa": maa, "bwt": bwt}


def main():
    torch.set_default_dtype(torch.float64)
    g = torch.Generator().manual_seed(2110)
    out = {"olora": olora(g), "moe": moe(g), "metrics": metrics(g)}
    path = os.path.join("continual", "src", "test", "resources", "goldens", "mcit_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()
