#!/usr/bin/env python3
"""Summarises one or more CakdAblation JSON files (benchmarks/.../distillation/CakdAblation.java) into one table.

Runs are paired by seed across files (every file used the same teacher checkpoint, data, schedule and seeds).
For each variant: student top-1 mean ± std over seeds, the paired difference to `cakd` and to `none`, the
assistant's top-1 (mid-training checkpoint and end), the student's last logged cross-entropy, and the mean over
the last quarter of the logged steps of the sum of the cakd terms; then, for runs with checkpoints
(`--eval-every`), the assistant's and the student's top-1 at every checkpoint, averaged over seeds.

usage: tools/cakd_ablation_summary.py A.json [B.json ...]
"""
import json
import statistics
import sys


def num(x):
    """Jackson writes NaN as the string "NaN"."""
    return float(x) if isinstance(x, str) else x


def mean_std(xs):
    xs = [num(x) for x in xs]
    xs = [x for x in xs if x == x]
    if not xs:
        return "–"
    return "%.4f ± %.4f" % (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0)


def main(paths):
    runs = {}
    order = []
    for p in paths:
        for r in json.load(open(p))["runs"]:
            key = r["variant"]
            if key not in order:
                order.append(key)
            # A variant present in several files (e.g. cakd) keeps the first file's runs; the others are reported
            # as a reproducibility check.
            runs.setdefault(key, {}).setdefault(r["seed"], []).append(r)

    def acc(variant):
        return {s: rs[0]["accuracy"] for s, rs in runs.get(variant, {}).items()}

    def paired(variant, ref):
        a, b = acc(variant), acc(ref)
        d = [a[s] - b[s] for s in sorted(a) if s in b]
        if not d:
            return "–"
        return "%+.4f ± %.4f (n=%d)" % (statistics.mean(d), statistics.stdev(d) if len(d) > 1 else 0.0, len(d))

    print("| variant | seeds | student | − cakd (paired) | − none (paired) | assistant mid | assistant end |"
          " last CE | cakd terms (last quarter) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for v in order:
        rs = [rs[0] for _, rs in sorted(runs[v].items())]
        mids = []
        for r in rs:
            curve = r["curve"]
            mids.append(curve[0][2] if len(curve) > 1 else float("nan"))
        last_ce = [r["terms"][-1].get("ce", float("nan")) for r in rs]
        tails = []
        for r in rs:
            t = r["terms"]
            tail = t[len(t) * 3 // 4:]
            tails.append(statistics.mean(sum(x for k, x in row.items() if k.startswith("cakd-")) for row in tail))
        print("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            v, len(rs), mean_std([r["accuracy"] for r in rs]), paired(v, "cakd"), paired(v, "none"),
            mean_std(mids), mean_std([r["assistant"] for r in rs]), mean_std(last_ce),
            mean_std(tails) if any(tails) else "–"))
    # Accuracy over training (CakdAblation's --eval-every checkpoints): mean over seeds at each step.
    curves = [v for v in order if any(len(rs[0]["curve"]) > 1 for rs in runs[v].values())]
    if curves:
        steps = sorted({int(c[0]) for v in curves for rs in runs[v].values() for c in rs[0]["curve"]})
        print()
        print("Assistant (student) top-1 over training, mean over seeds:")
        print("| variant | " + " | ".join("step %d" % s for s in steps) + " |")
        print("|---|" + "---:|" * len(steps))
        for v in curves:
            cells = []
            for step in steps:
                pts = [c for rs in runs[v].values() for c in rs[0]["curve"] if int(c[0]) == step]
                if not pts:
                    cells.append("–")
                    continue
                cells.append("%.3f (%.3f)" % (statistics.mean(num(c[2]) for c in pts),
                                              statistics.mean(num(c[1]) for c in pts)))
            print("| %s | %s |" % (v, " | ".join(cells)))
    for v in order:
        for s, rs in sorted(runs[v].items()):
            if len(rs) > 1:
                print("repeat of %s seed %d in another file: %s" % (v, s, [r["accuracy"] for r in rs]))


if __name__ == "__main__":
    main(sys.argv[1:])
