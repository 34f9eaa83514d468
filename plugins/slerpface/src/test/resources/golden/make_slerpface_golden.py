"""Writes slerpface_golden.txt: an independent numpy rendering of SlerpFace enrolment and matching
(spec slerpface.md §1.3-1.7, the official scripts' behaviour) with a fixed key and fixed dropout draws, which
the Java test reads (spec F12). Inputs are rounded to float32 so Java reads them exactly.

Run: python3 make_slerpface_golden.py   (numpy only; deterministic)
"""
import numpy as np

M, D, ALPHA, R, GAP_BASE = 49, 16, 0.9, 0.5, 8
rng = np.random.default_rng(20250407)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def unit_rows(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def slerp_rows(t, k, alphas):
    t, k = unit_rows(t), unit_rows(k)
    theta = np.arccos(np.clip((t * k).sum(axis=1), -1.0, 1.0))[:, None]
    a = alphas[:, None]
    return np.sin((1 - a) * theta) / np.sin(theta) * t + np.sin(a * theta) / np.sin(theta) * k


template = f32(rng.standard_normal((M, D)))
weights = f32(softmax(rng.standard_normal(M)))
key = f32(rng.standard_normal((M, D)))
probe = f32(template + 0.4 * rng.standard_normal((M, D)))
probe_weights = f32(softmax(np.log(weights) + 0.1 * rng.standard_normal(M)))

# enrolment: slerp with alpha - w_i, median split, draws with replacement, renormalise, scale by w_i
p = slerp_rows(template, key, ALPHA - weights)
gap = int(GAP_BASE * R)
n_lo, n_hi = int(D * R + gap), int(D * R - gap)
low = weights < np.median(weights)
draws = [rng.integers(0, D, size=(n_lo if low[i] else n_hi)) for i in range(M)]
for i in range(M):
    p[i, draws[i]] = 0.0
g = unit_rows(p) * weights[:, None]

# matching: probe slerped with the gallery key and its own weights, gallery's zeros, renormalised
q = slerp_rows(probe, key, ALPHA - probe_weights)
q[g == 0] = 0.0
score = (unit_rows(q) * g).sum()

with open("slerpface_golden.txt", "w") as out:
    def put(name, values):
        out.write(name + " " + " ".join(repr(float(v)) for v in np.ravel(values)) + "\n")
    put("template", template)
    put("weights", weights)
    put("key", key)
    put("probe", probe)
    put("probe_weights", probe_weights)
    for i in range(M):
        put("draws_%d" % i, draws[i])
    put("protected", g)
    put("score", [score])
    put("distance", [np.arccos(score) / np.pi])
