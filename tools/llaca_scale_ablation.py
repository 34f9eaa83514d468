#!/usr/bin/env python3
"""LLaCA's scale s against tensor size (issue #23), from the raw-coefficient histograms a llaca run records.

The llaca learner counts, for every computed EMA update, the raw coefficient r = (1 + b) / (a * c) (before the
scale; spec llaca.md 2.3) in a log10 histogram per tensor element count n (report.json:
pluginValues.learner.emaRawCoefficientLog10Histograms; bin i holds log10 r in (L + i - 1, L + i], L = -12).
An update takes the adaptive branch when the coefficient k is in (0, 1):
  scaleUnit TENSOR  (the paper's s):   k = s * r
  scaleUnit ELEMENT (s per element):   k = s * n * r
This prints, per tensor size, the share of updates that would be adaptive for a grid of s under both units
(log-uniform within a bin). It reads one run's trajectory: the EMA it followed depended on that run's s, so shares
for other s are estimates; a run at the chosen setting reports its real share (emaAdaptiveFraction).

usage: tools/llaca_scale_ablation.py RUN_DIR/report.json [...]
"""
import json
import math
import sys

LOW = -12


def share_below(hist, limit_log10):
    """Share of the histogram's mass with log10 r < limit_log10 (log-uniform inside a bin)."""
    total = sum(hist)
    if total == 0:
        return float("nan")
    below = 0.0
    for i, count in enumerate(hist):
        hi = LOW + i
        lo = hi - 1
        if i == 0:
            lo = -math.inf
        if i == len(hist) - 1:
            hi = math.inf
        if limit_log10 >= hi:
            below += count
        elif limit_log10 > lo:
            below += count * (limit_log10 - lo) / (hi - lo) if math.isfinite(lo) and math.isfinite(hi) else 0
    return below / total


def main(files):
    merged = {}
    for f in files:
        values = json.load(open(f))["pluginValues"]["learner"]
        for n, h in values["emaRawCoefficientLog10Histograms"].items():
            acc = merged.setdefault(int(n), [0] * len(h))
            for i, c in enumerate(h):
                acc[i] += c
    scales_t = [100, 10, 2, 1, 0.1, 0.01, 1e-3, 1e-4]
    scales_e = [1, 0.1, 0.01, 1e-3, 1e-4, 1e-5, 1e-6]
    sizes = sorted(merged)
    print("raw coefficient r = (1+b)/(a*c): median log10 by tensor size")
    for n in sizes:
        h = merged[n]
        total = sum(h)
        cum, med = 0, None
        for i, c in enumerate(h):
            cum += c
            if med is None and cum >= total / 2:
                med = LOW + i
        print(f"  n = {n:6d}: {total:6d} updates, median log10 r in ({med - 1}, {med}]")
    for unit, grid, mult in (("TENSOR", scales_t, lambda n: 1), ("ELEMENT", scales_e, lambda n: n)):
        print(f"\nadaptive share, scaleUnit {unit}")
        print("| n | " + " | ".join(f"s={s:g}" for s in grid) + " |")
        print("|---|" + "---|" * len(grid))
        rows = sizes + ["all"]
        for n in rows:
            cells = []
            for s in grid:
                if n == "all":
                    num = sum(share_below(merged[m], -math.log10(s * mult(m))) * sum(merged[m]) for m in sizes)
                    den = sum(sum(merged[m]) for m in sizes)
                    cells.append(f"{num / den:.2f}")
                else:
                    cells.append(f"{share_below(merged[n], -math.log10(s * mult(n))):.2f}")
            print(f"| {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
