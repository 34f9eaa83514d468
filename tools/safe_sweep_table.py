#!/usr/bin/env python3
"""The SAFE sweeps' table (benchmarks/sweeps/safe-cifar100*.yaml): per method over the class orders (run seeds).

Reads each point's finished run (OUT/POINT/RUN/report.json; the newest when a point ran twice) under the sweep
folders given and prints, per method (the point's learner label), mean +- sample std over the orders of
  average incremental accuracy, last accuracy and forgetting (report.json's summary),
then per order: last accuracy, the paired differences method - baseline (same run seed) of the average incremental
and last accuracy (mean +- std over orders and each order's value), the A_k row, the CPU seconds of the loop
(timings.cpu), and for safe the inference-only heads of reportHeads (report.json's otherMetrics safe.HEAD: average
incremental and last accuracy from each matrix, A_k = the mean of row k, every task having the same test count).
Methods are listed in the order of --methods (comma-separated; default: as found).
Usage: tools/safe_sweep_table.py [--baseline simplecil] [--methods a,b,...] DIR [DIR...]
"""
import glob
import json
import os
import re
import statistics
import sys



def points(dirs):
    for d in dirs:
        for point in sorted(glob.glob(os.path.join(d, "*", ""))):
            name = os.path.basename(os.path.normpath(point))
            reports = sorted(glob.glob(os.path.join(point, "*", "report.json")))
            if not reports or name == "prepare":
                continue
            r = json.load(open(reports[-1]))
            sweep = os.path.basename(os.path.normpath(d))
            if not name.startswith(sweep + "-"):
                continue
            rest = name[len(sweep) + 1:]
            m = re.match(r"^(?P<label>.+)-s(?P<seed>\d+)$", rest)
            yield m.group("label"), int(m.group("seed")), r


def rows_of(matrix):
    """A_k of an accuracy matrix whose tasks have equal test counts: the mean of the trained part of row k."""
    return [statistics.mean(row[: k + 1]) for k, row in enumerate(matrix)]


def fmt(values, digits=4):
    if not values:
        return "-"
    if len(values) == 1:
        return ("%." + str(digits) + "f") % values[0]
    return ("%." + str(digits) + "f ± %." + str(digits) + "f") % (statistics.mean(values), statistics.stdev(values))


def main(argv):
    baseline = "simplecil"
    methods = []
    while argv[:1] in (["--baseline"], ["--methods"]):
        if argv[0] == "--baseline":
            baseline = argv[1]
        else:
            methods = argv[1].split(",")
        argv = argv[2:]
    by = {m: {} for m in methods}
    for label, seed, r in points(argv):
        by.setdefault(label, {})[seed] = r
    by = {m: runs for m, runs in by.items() if runs}
    seeds = sorted({s for v in by.values() for s in v})
    print("| method | orders | average incremental accuracy | last accuracy | forgetting | last per order ("
          + ", ".join("s%d" % s for s in seeds) + ") | CPU-s per run |")
    print("|---|---|---|---|---|---|---|")
    for label, runs in by.items():
        aia = [runs[s]["summary"]["averageIncrementalAccuracy"] for s in sorted(runs)]
        last = [runs[s]["summary"]["lastAccuracy"] for s in sorted(runs)]
        fgt = [runs[s]["summary"]["forgetting"] for s in sorted(runs)]
        cpu = [runs[s]["timings"].get("cpu") for s in sorted(runs)]
        per = " / ".join("%.4f" % runs[s]["summary"]["lastAccuracy"] if s in runs else "–" for s in seeds)
        print("| %s | %d | %s | %s | %s | %s | %s |" % (label, len(runs), fmt(aia), fmt(last), fmt(fgt), per,
                                                      " / ".join("%.0f" % c for c in cpu if c is not None)))
    if baseline in by:
        print()
        print("Paired differences vs %s (same order), mean ± std over orders [per order]:" % baseline)
        for label, runs in by.items():
            if label == baseline:
                continue
            common = [s for s in sorted(runs) if s in by[baseline]]
            for key, name in (("averageIncrementalAccuracy", "avg inc"), ("lastAccuracy", "last")):
                d = [runs[s]["summary"][key] - by[baseline][s]["summary"][key] for s in common]
                print("  %-12s %-8s %s  [%s]" % (label, name, fmt(d), " ".join("%+.4f" % x for x in d)))
    print()
    print("A_k per point:")
    for label, runs in by.items():
        for s in sorted(runs):
            r = runs[s]
            print("  %-12s s%d %s | CPU %.0f s, wall %.0f s" % (
                label, s, " ".join("%.3f" % a for a in r["summary"]["incrementalAccuracies"]),
                r["timings"].get("cpu") or float("nan"), r["timings"]["total"]))
            for head, m in sorted((r.get("otherMetrics") or {}).items()):
                if isinstance(m, list) and m and isinstance(m[0], list):
                    a = rows_of(m)
                    print("    %-16s avg inc %.4f, last %.4f" % (head, statistics.mean(a), a[-1]))


if __name__ == "__main__":
    main(sys.argv[1:])
