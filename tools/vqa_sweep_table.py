#!/usr/bin/env python3
"""The continual-VQA sweep's numbers in the issue #23 definitions (base task excluded), per learner over seeds.

Reads every point's report.json under the sweep folders given (benchmarks/results/sweeps/continual-vqa and
.../continual-vqa-multitask) and prints, per learner, mean +- sample std over seeds of
  Avg.ACC    mean of the last row over the continual tasks (multitask: its joint task's accuracy),
  forgetting mean over i < T-1 of max_{k in [i, T-2]} a[k][i] - a[T-1][i] (0-based over the continual tasks),
  New.ACC    mean of the diagonal a[i][i],
  adaptive   llaca's emaAdaptiveFraction,
then the paired differences to lora-seq by seed (same seed: same base model and batches), then the last
row per task. The sweep's own sweep.csv averages over every column, the base task's included.
Usage: tools/vqa_sweep_table.py DIR [DIR...]
"""
import glob
import json
import os
import statistics
import sys


def points(dirs):
    for d in dirs:
        for f in sorted(glob.glob(os.path.join(d, "*", "*", "report.json"))):
            r = json.load(open(f))
            experiment = json.load(open(os.path.join(os.path.dirname(f), "experiment.json")))
            yield r["experiment"], experiment["learner"]["name"], experiment["seed"], r


def metrics(r):
    tasks = r["tasks"]
    a = r["accuracyMatrix"]
    first = 1 if tasks and tasks[0] == "base" else 0
    cont = tasks[first:]
    m = [row[first:] for row in a[first:]]
    t = len(cont)
    last = m[-1]
    out = {"tasks": cont, "last": last}
    if cont == ["joint"]:
        out["avg"] = last[0]
        return out
    out["avg"] = sum(last) / t
    out["new"] = sum(m[i][i] for i in range(t)) / t
    if t > 1:
        out["forgetting"] = sum(max(m[k][i] for k in range(i, t - 1)) - last[i] for i in range(t - 1)) / (t - 1)
    frac = r.get("pluginValues", {}).get("learner", {}).get("emaAdaptiveFraction")
    if frac is not None:
        out["adaptive"] = frac
    return out


def fmt(values):
    if not values:
        return "-"
    if len(values) == 1:
        return "%.3f" % values[0]
    return "%.3f +- %.3f" % (statistics.mean(values), statistics.stdev(values))


def main(dirs):
    by = {}
    for name, learner, seed, r in points(dirs):
        by.setdefault(learner, []).append((seed, metrics(r)))
    print("| learner | seeds | Avg.ACC | forgetting | New.ACC | adaptive share |")
    print("|---|---|---:|---:|---:|---:|")
    for learner, runs in by.items():
        runs.sort()
        col = lambda k: [m[k] for _, m in runs if k in m]
        print("| %s | %s | %s | %s | %s | %s |" % (learner, ",".join(str(s) for s, _ in runs), fmt(col("avg")),
                                              fmt(col("forgetting")), fmt(col("new")), fmt(col("adaptive"))))
    print()
    reference = dict(by.get("lora-seq", []))
    for learner, runs in by.items():
        if learner in ("lora-seq", "multitask") or not reference:
            continue
        for key, label in (("avg", "Avg.ACC"), ("forgetting", "forgetting"), ("new", "New.ACC")):
            diffs = [(s, m[key] - reference[s][key]) for s, m in runs if s in reference and key in m]
            if diffs:
                print("paired %s - lora-seq, %s by seed (%s): %s; mean %s" % (learner, label,
                      ",".join(str(s) for s, _ in diffs), " ".join("%+.3f" % d for _, d in diffs),
                      fmt([d for _, d in diffs])))
    print()
    for learner, runs in by.items():
        for seed, m in runs:
            print("%s seed %s last row %s: %s" % (learner, seed, m["tasks"], " ".join("%.2f" % x for x in m["last"])))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: tools/vqa_sweep_table.py SWEEP_DIR [SWEEP_DIR...]")
    main(sys.argv[1:])
