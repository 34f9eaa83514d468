#!/usr/bin/env python3
"""Summarises a DistillationBenchmark JSON file (benchmarks/.../distillation/DistillationBenchmark.java), also one
that a stopped benchmark left behind (the file is rewritten after every run).

Per student and method: top-1 mean ± sample std over the seeds present, the paired difference (same seed) to
`none` and to `kd`, the cakd assistant's top-1, and the CPU seconds of the runs. Then the per-seed values and the
CPU time: the teacher's, the students' and the process's.

usage: tools/distillation_summary.py RESULT.json [MORE.json ...]   (files are merged, e.g. one per student)
"""
import json
import statistics
import sys


def num(x):
    """Jackson writes NaN as the string "NaN"."""
    return float(x) if isinstance(x, str) else x


def mean_std(xs):
    xs = [num(x) for x in xs if num(x) == num(x)]
    if not xs:
        return "–"
    return "%.4f ± %.4f" % (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0)


def main(paths):
    runs = []
    teacher_cpu = 0.0
    process_cpu = 0.0
    for p in paths:
        j = json.load(open(p))
        runs += j.get("runs", [])
        t = num(j["teacher"].get("cpuSeconds", float("nan")))
        if t == t:
            teacher_cpu += t
            print("%s: teacher accuracy %.4f, %.0f CPU-s" % (p, num(j["teacher"]["accuracy"]), t))
        process_cpu += num(j.get("processCpuSeconds", 0.0))
    students = list(dict.fromkeys(r["student"] for r in runs))
    methods = list(dict.fromkeys(r["method"] for r in runs))

    def acc(student, method):
        return {r["seed"]: r["accuracy"] for r in runs if r["student"] == student and r["method"] == method}

    def paired(student, method, ref):
        a, b = acc(student, method), acc(student, ref)
        d = [a[s] - b[s] for s in sorted(a) if s in b]
        if not d or method == ref:
            return "–"
        return "%+.4f ± %.4f" % (statistics.mean(d), statistics.stdev(d) if len(d) > 1 else 0.0)

    print("| student | method | seeds | top-1 | − none (paired) | − kd (paired) | assistant | CPU-s per run |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for s in students:
        for m in methods:
            rs = [r for r in runs if r["student"] == s and r["method"] == m]
            if not rs:
                continue
            print("| %s | %s | %d | %s | %s | %s | %s | %.0f |" % (
                s, m, len(rs), mean_std([r["accuracy"] for r in rs]), paired(s, m, "none"), paired(s, m, "kd"),
                mean_std([r["assistantAccuracy"] for r in rs]), statistics.mean(num(r["cpuSeconds"]) for r in rs)))
    for s in students:
        for m in methods:
            rs = sorted((r for r in runs if r["student"] == s and r["method"] == m), key=lambda r: r["seed"])
            if rs:
                extra = ""
                if m.startswith("cakd"):
                    extra = " (assistant %s)" % " / ".join("%.4f" % num(r["assistantAccuracy"]) for r in rs)
                print("%s %s seeds %s: %s%s" % (s, m, ",".join(str(r["seed"]) for r in rs),
                                                " / ".join("%.4f" % r["accuracy"] for r in rs), extra))
    student_cpu = sum(num(r["cpuSeconds"]) for r in runs)
    print("CPU seconds: teacher %.0f, student runs %.0f (%d runs), processes %.0f" % (
        teacher_cpu, student_cpu, len(runs), process_cpu))


if __name__ == "__main__":
    main(sys.argv[1:])
