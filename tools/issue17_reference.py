#!/usr/bin/python3
"""Independent PyTorch reference for the analytic heads of SAFE and RanPAC (issue 17, items 1, 2, 7, 8).

Reads the traces that SafeOfficialCodeTest and PtmBaselineLearnerTest write with -Dperennial.trace.dir=DIR
(safe-trace.json, ranpac-trace.json): per session, the projected rows H = ReLU(phi(x) W_rand) of the session's
training images, their labels, the fit/score split each head used, and the SDK's chosen lambda and solution W_o.
From H, the labels and the splits alone it recomputes, in float64, what the papers' official code does:

  lambda selection (optimise_ridge_parameter): fit W = ((G_a + lambda I)^-1 Q_a)^T on the fitted rows (the first
      80 % of a shuffled loader: here the rows the split marks), score the mean squared error of the one-hot targets
      on the other rows, keep the first lambda of the grid with the lowest error;
  accumulation: G <- G + H^T H, Q <- Q + H^T Y over sessions; W_o = ((G + lambda I)^-1 Q)^T (torch.linalg.solve);
  SAFE order per session: add the fast rows, pick the fast lambda on them, solve the fast head; add the slow rows,
      pick the slow lambda on them, solve the slow head (SAFE.py replace_fc then replace_fc_branch);
  RanPAC scores: softmax(sigma * H_test W_o^T) with sigma = 1.

It also computes the SDK's earlier SAFE behaviour on the same rows ("joint": one solve on all the rows, one lambda
picked on an image-paired split of the pooled rows, the slow split) to show how far it is from the official order.
Written from the equations in safe.md and the issue; no official code copied.

Usage: /usr/bin/python3 tools/issue17_reference.py DIR [--out DIR/issue17-reference.json]
"""
import argparse
import json
import os

import torch

torch.set_default_dtype(torch.float64)


def one_hot(labels, classes):
    y = torch.zeros(len(labels), classes)
    y[torch.arange(len(labels)), torch.tensor(labels)] = 1.0
    return y


def solve(g, q, lam):
    return torch.linalg.solve(g + lam * torch.eye(g.shape[0]), q).T


def pick_lambda(h, y, fit, grid):
    fit = torch.tensor(fit)
    ha, ya, hb, yb = h[fit], y[fit], h[~fit], y[~fit]
    g, q = ha.T @ ha, ha.T @ ya
    errors = []
    for lam in grid:
        try:
            w = solve(g, q, lam)
            errors.append(((hb @ w.T - yb) ** 2).mean().item())
        except RuntimeError:  # singular: the candidate loses
            errors.append(float("inf"))
    best = min(range(len(grid)), key=lambda i: (errors[i], i))
    return grid[best]


def rel(a, b):
    return ((a - b).abs().max() / b.abs().max()).item()


def safe(trace):
    m, c, grid = trace["width"], trace["classes"], trace["grid"]
    g, q = torch.zeros(m, m), torch.zeros(m, c)
    gj, qj = torch.zeros(m, m), torch.zeros(m, c)
    rows = []
    for t, s in enumerate(trace["sessions"]):
        y = one_hot(s["labels"], c)
        hf = torch.tensor(s["h_fast"]).reshape(-1, m)
        hs = torch.tensor(s["h_slow"]).reshape(-1, m)
        # Official order.
        g, q = g + hf.T @ hf, q + hf.T @ y
        lam_f = pick_lambda(hf, y, s["fit_fast"], grid)
        w_f = solve(g, q, lam_f)
        g, q = g + hs.T @ hs, q + hs.T @ y
        lam_s = pick_lambda(hs, y, s["fit_slow"], grid)
        w_s = solve(g, q, lam_s)
        # The earlier SDK behaviour on the same rows: one pooled solve, one lambda on an image-paired split.
        h2, y2 = torch.cat([hs, hf]), torch.cat([y, y])
        gj, qj = gj + h2.T @ h2, qj + h2.T @ y2
        lam_j = pick_lambda(h2, y2, s["fit_slow"] + s["fit_slow"], grid)
        w_j = solve(gj, qj, lam_j)
        sdk_f = torch.tensor(s["w_fast"]).reshape(c, m)
        sdk_s = torch.tensor(s["w_slow"]).reshape(c, m)
        rows.append({
            "session": t + 1,
            "lambda_fast": {"sdk": s["lambda_fast"], "reference": lam_f},
            "lambda_slow": {"sdk": s["lambda_slow"], "reference": lam_s},
            "w_fast_rel_diff": rel(sdk_f, w_f),
            "w_slow_rel_diff": rel(sdk_s, w_s),
            "joint_lambda": lam_j,
            "joint_vs_official_fast_rel_diff": rel(w_j, w_f),
            "joint_vs_official_slow_rel_diff": rel(w_j, w_s),
        })
    return rows


def ranpac(trace):
    m, c, grid, sigma = trace["width"], trace["classes"], trace["grid"], trace["sigma"]
    g, q = torch.zeros(m, m), torch.zeros(m, c)
    rows = []
    w = None
    for t, s in enumerate(trace["sessions"]):
        y = one_hot(s["labels"], c)
        h = torch.tensor(s["h"]).reshape(-1, m)
        g, q = g + h.T @ h, q + h.T @ y
        lam = pick_lambda(h, y, s["fit"], grid)
        lam_safe_grid = pick_lambda(h, y, s["fit"], [1e3, 1e4, 1e5, 1e6, 1e7, 1e8])
        w = solve(g, q, lam)
        rows.append({
            "session": t + 1,
            "lambda": {"sdk": s["lambda"], "reference": lam, "reference_on_safe_grid": lam_safe_grid},
            "w_rel_diff": rel(torch.tensor(s["w"]).reshape(c, m), w),
        })
    ht = torch.tensor(trace["test_h"]).reshape(-1, m)
    p = torch.softmax(sigma * ht @ w.T, dim=1)
    p10 = torch.softmax(10 * ht @ w.T, dim=1)
    sdk_p = torch.tensor(trace["test_p"]).reshape(p.shape)
    rows[-1]["test_prob_max_abs_diff"] = (sdk_p - p).abs().max().item()
    rows[-1]["test_prob_max_abs_diff_if_sigma_10"] = (sdk_p - p10).abs().max().item()
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--out")
    args = parser.parse_args()
    with open(os.path.join(args.dir, "safe-trace.json")) as f:
        safe_rows = safe(json.load(f))
    with open(os.path.join(args.dir, "ranpac-trace.json")) as f:
        ranpac_rows = ranpac(json.load(f))
    print("SAFE (official order, each head's own lambda)")
    print("| session | λ fast SDK / ref | λ slow SDK / ref | W_fast rel. diff | W_slow rel. diff "
          "| earlier joint solve vs official: fast / slow (λ) |")
    print("|---|---|---|---|---|---|")
    for r in safe_rows:
        print("| %d | %g / %g | %g / %g | %.1e | %.1e | %.3f / %.3f (%g) |" % (
            r["session"], r["lambda_fast"]["sdk"], r["lambda_fast"]["reference"], r["lambda_slow"]["sdk"],
            r["lambda_slow"]["reference"], r["w_fast_rel_diff"], r["w_slow_rel_diff"],
            r["joint_vs_official_fast_rel_diff"], r["joint_vs_official_slow_rel_diff"], r["joint_lambda"]))
    print()
    print("RanPAC (its own 17-value grid, σ = 1)")
    print("| session | λ SDK / ref (ref on SAFE's grid) | W_o rel. diff | test probabilities max abs diff "
          "(vs σ = 10) |")
    print("|---|---|---|---|")
    for r in ranpac_rows:
        extra = ""
        if "test_prob_max_abs_diff" in r:
            extra = "%.1e (%.3f)" % (r["test_prob_max_abs_diff"], r["test_prob_max_abs_diff_if_sigma_10"])
        print("| %d | %g / %g (%g) | %.1e | %s |" % (
            r["session"], r["lambda"]["sdk"], r["lambda"]["reference"], r["lambda"]["reference_on_safe_grid"],
            r["w_rel_diff"], extra))
    out = args.out or os.path.join(args.dir, "issue17-reference.json")
    with open(out, "w") as f:
        json.dump({"safe": safe_rows, "ranpac": ranpac_rows}, f, indent=2)
    print()
    print("wrote", out)


if __name__ == "__main__":
    main()
