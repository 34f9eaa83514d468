#!/usr/bin/env python3
"""Runs the shipped class-incremental sample (samples/.../class-incremental-shapes.yaml) with several learners and
seeds through bin/perennial, then prints a table of a[i][i] (accuracy on each task right after learning it),
average incremental accuracy, last accuracy and forgetting, mean ± std over the seeds, and writes them as JSON.

Every variant runs on the same seeds (paired). Only the seed and the learner block of the sample are changed.

  tools/lwf_sample_seeds.py [--seeds 42,43,44] [--variants lwf,finetune,ewc,lwf-before]
                            [--out benchmarks/results/lwf-class-incremental-shapes.json] [--work /tmp/lwf-seeds]
                            [--jobs 1] [--reuse]

Variants: lwf (the sample's learner, defaults), finetune, ewc (defaults), lwf-before (LwF as it was before issue
#17 item 10: alpha 1 with the T^2 factor and the head rows kept from initialisation), lwf-kept (today's defaults but
the head rows kept), lwf-t2 (today's defaults but alpha 1 with the T^2 factor), ewc-before (EWC as it was before
PyCIL's Fisher ceiling and weighted merge: fisherMax 0, fisherMerge sum).
"""
import argparse
import concurrent.futures
import glob
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "samples/src/main/resources/dev/perennial/samples/class-incremental-shapes.yaml")
VARIANTS = {
    "lwf": {"name": "lwf"},
    "finetune": {"name": "finetune"},
    "ewc": {"name": "ewc"},
    "ewc-before": {"name": "ewc", "config": {"fisherMax": 0.0, "fisherMerge": "sum"}},
    "lwf-before": {"name": "lwf", "config": {"alpha": 1.0, "temperatureSquared": True, "headRows": "kept"}},
    "lwf-kept": {"name": "lwf", "config": {"headRows": "kept"}},
    "lwf-t2": {"name": "lwf", "config": {"alpha": 1.0, "temperatureSquared": True}},
}


def experiment(seed, variant):
    """The sample's text with its seed, name and learner block replaced (the sample is block YAML)."""
    lines = []
    in_learner = False
    with open(SAMPLE) as f:
        for line in f:
            if in_learner and line.startswith(" "):
                continue
            in_learner = False
            if line.startswith("seed:"):
                line = "seed: %d\n" % seed
            elif line.startswith("name:"):
                line = "name: shapes-%s-s%d\n" % (variant, seed)
            elif line.startswith("learner:"):
                line = "learner: %s\n" % json.dumps(VARIANTS[variant])
                in_learner = True
            lines.append(line)
    return "".join(lines)


def run(seed, variant, work, reuse):
    path = os.path.join(work, "%s-s%d.yaml" % (variant, seed))
    with open(path, "w") as f:
        f.write(experiment(seed, variant))
    run_dir = os.path.join(work, "%s-s%d" % (variant, seed))
    reports = sorted(glob.glob(os.path.join(run_dir, "*", "report.json")))
    if not reports or not reuse:
        env = dict(os.environ)
        env.setdefault("ONEDNN_MAX_CPU_ISA", "AVX")
        subprocess.run([os.path.join(ROOT, "bin/perennial"), "run", path, "--run-dir", run_dir], check=True,
                       env=env, stdout=subprocess.DEVNULL)
        reports = sorted(glob.glob(os.path.join(run_dir, "*", "report.json")))
    with open(reports[-1]) as f:
        report = json.load(f)
    a = report["accuracyMatrix"]
    s = report["summary"]
    return {"seed": seed, "diagonal": [a[i][i] for i in range(len(a))], "average": s["averageIncrementalAccuracy"],
            "last": s["lastAccuracy"], "forgetting": s["forgetting"], "matrix": a}


def ms(values):
    return (statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", default="42,43,44")
    p.add_argument("--variants", default="lwf,finetune,ewc,lwf-before")
    p.add_argument("--out", default=os.path.join(ROOT, "benchmarks/results/lwf-class-incremental-shapes.json"))
    p.add_argument("--work", default="/tmp/lwf-seeds")
    p.add_argument("--jobs", type=int, default=1, help="runs at a time (each is its own JVM)")
    p.add_argument("--reuse", action="store_true", help="read the report of a run already in --work instead of"
                   " running it again")
    args = p.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    variants = args.variants.split(",")
    for v in variants:
        if v not in VARIANTS:
            raise SystemExit("unknown variant '%s'; accepted: %s" % (v, ", ".join(VARIANTS)))
    os.makedirs(args.work, exist_ok=True)
    def one(job):
        v, seed = job
        r = run(seed, v, args.work, args.reuse)
        print("%-10s seed %d: a[i][i] %s  avg %.3f  last %.3f  forgetting %.3f" % (
            v, seed, " ".join("%.3f" % x for x in r["diagonal"]), r["average"], r["last"], r["forgetting"]),
            file=sys.stderr, flush=True)
        return r

    jobs = [(v, seed) for v in variants for seed in seeds]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        done = list(pool.map(one, jobs))
    results = {v: [r for (w, _), r in zip(jobs, done) if w == v] for v in variants}
    tasks = len(results[variants[0]][0]["diagonal"])
    header = "%-10s " % "learner" + " ".join("%-13s" % ("a[%d][%d]" % (i, i)) for i in range(tasks)) \
        + " %-13s %-13s %-13s" % ("avg incr.", "last", "forgetting")
    print(header)
    summary = {}
    for v in variants:
        rs = results[v]
        diag = [ms([r["diagonal"][i] for r in rs]) for i in range(tasks)]
        cols = {k: ms([r[k] for r in rs]) for k in ("average", "last", "forgetting")}
        summary[v] = {"diagonal": diag, **cols}
        print("%-10s " % v + " ".join("%.3f ± %.3f" % d for d in diag)
              + " " + " ".join("%.3f ± %.3f" % cols[k] for k in ("average", "last", "forgetting")))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"sample": os.path.relpath(SAMPLE, ROOT), "seeds": seeds, "variants": VARIANTS,
                   "summary": summary, "runs": results}, f, indent=1)
    print("wrote " + args.out)


if __name__ == "__main__":
    main()
