"""Float64 reference values for the prompt-based learners (prompts.md §8: goldens for α, prompt composition, the
surrogate loss and prefix attention), written from the equations of /work/shared/specs/prompts.md, not from any
official source.

Run from the repository root with Debian's torch (no other package):

    /usr/bin/python3 tools/goldens/prompts_reference.py

Writes continual/src/test/resources/goldens/prompts_reference.json (inputs and outputs as float lists, row-major):

  coda:    alpha[b, m] = cos(q_b * A_m, K_m);  P(x)_b = sum_m alpha[b, m] P_m;  keys = P(x)[:, :L/2], values = P(x)[:, L/2:]
           ortho(B) = mean((B B^T - I)^2) for K, A and P flattened to (M, L*D)
  l2p:     sim[b, i] = cos(q_b, k_i); top-N per sample (descending, ties -> lower index); batch-wise: the N indices
           chosen most often (count descending, ties -> lower index); pull = -lambda * (1/B) sum_b sum_{i in sel(b)} sim[b, i]
  prefix:  one timm attention block with prefix-tuning: q, k, v = split(x W_qkv^T + b_qkv); per head h
           out_h = softmax(q_h [pk_h; k_h]^T / sqrt(d)) [pv_h; v_h]; out = concat_h(out_h) W_proj^T + b_proj
"""

import json
import os

import torch


def cos_rows(a, b):
    """Cosine of every row of a with every row of b (F.normalize semantics, eps 1e-12)."""
    an = a / a.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    bn = b / b.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    return an @ bn.T


def ortho(b):
    return ((b @ b.T - torch.eye(b.shape[0], dtype=b.dtype)) ** 2).mean()


def ranked(values, n):
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    return order[:n]


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def main():
    torch.set_default_dtype(torch.float64)
    g = torch.Generator().manual_seed(2112)
    out = {}

    b, d, m, length = 3, 6, 4, 4
    q = torch.randn(b, d, generator=g)
    a = torch.randn(m, d, generator=g)
    k = torch.randn(m, d, generator=g)
    p = torch.randn(m, length, d, generator=g)
    qa = q[:, None, :] * a[None, :, :]
    alpha = (qa / qa.norm(dim=-1, keepdim=True).clamp_min(1e-12)
             * (k / k.norm(dim=-1, keepdim=True).clamp_min(1e-12))[None]).sum(-1)
    composed = torch.einsum("bm,mld->bld", alpha, p)
    out["coda"] = {
        "b": b, "d": d, "m": m, "length": length,
        "q": flat(q), "a": flat(a), "k": flat(k), "p": flat(p),
        "alpha": flat(alpha), "composed": flat(composed),
        "orthoK": float(ortho(k)), "orthoA": float(ortho(a)), "orthoP": float(ortho(p.reshape(m, -1))),
    }

    pool, n, lam = 5, 2, 0.1
    q2 = torch.randn(4, d, generator=g)
    keys = torch.randn(pool, d, generator=g)
    sim = cos_rows(q2, keys)
    per_sample = [ranked(sim[r].tolist(), n) for r in range(q2.shape[0])]
    counts = [0] * pool
    for row in per_sample:
        for i in row:
            counts[i] += 1
    major = sorted(range(pool), key=lambda i: (-counts[i], i))[:n]

    def pull(sel):
        return -lam * sum(float(sim[r, i]) for r in range(len(sel)) for i in sel[r]) / len(sel)

    out["l2p"] = {
        "b": 4, "d": d, "pool": pool, "n": n, "lambda": lam,
        "q": flat(q2), "keys": flat(keys), "sim": flat(sim),
        "perSample": per_sample, "batchwise": major,
        "pullPerSample": pull(per_sample), "pullBatchwise": pull([major] * q2.shape[0]),
    }

    bb, t, dd, heads, lp = 2, 5, 8, 2, 3
    hd = dd // heads
    x = torch.randn(bb, t, dd, generator=g)
    w_qkv = torch.randn(3 * dd, dd, generator=g) * 0.3
    b_qkv = torch.randn(3 * dd, generator=g) * 0.1
    w_proj = torch.randn(dd, dd, generator=g) * 0.3
    b_proj = torch.randn(dd, generator=g) * 0.1
    pk = torch.randn(bb, lp, dd, generator=g)
    pv = torch.randn(bb, lp, dd, generator=g)
    y = x @ w_qkv.T + b_qkv
    qq, kk, vv = y[..., :dd], y[..., dd:2 * dd], y[..., 2 * dd:]
    kk = torch.cat([pk, kk], dim=1)
    vv = torch.cat([pv, vv], dim=1)
    outs = []
    for h in range(heads):
        s = slice(h * hd, (h + 1) * hd)
        att = torch.softmax(qq[..., s] @ kk[..., s].transpose(1, 2) / hd ** 0.5, dim=-1)
        outs.append(att @ vv[..., s])
    result = torch.cat(outs, dim=-1) @ w_proj.T + b_proj
    out["prefix"] = {
        "b": bb, "t": t, "d": dd, "heads": heads, "prefix": lp,
        "x": flat(x), "qkvWeight": flat(w_qkv), "qkvBias": flat(b_qkv), "projWeight": flat(w_proj),
        "projBias": flat(b_proj), "prefixKeys": flat(pk), "prefixValues": flat(pv), "out": flat(result),
    }

    path = "continual/src/test/resources/goldens/prompts_reference.json"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("alpha[0] =", [round(v, 6) for v in alpha[0].tolist()])
    print("l2p per-sample top-%d:" % n, per_sample, "batch-wise:", major)
    print("pull per-sample %.6f, batch-wise %.6f" % (out["l2p"]["pullPerSample"], out["l2p"]["pullBatchwise"]))
    print("ortho K %.6f A %.6f P %.6f" % (out["coda"]["orthoK"], out["coda"]["orthoA"], out["coda"]["orthoP"]))
    print("wrote", path)


if __name__ == "__main__":
    main()
