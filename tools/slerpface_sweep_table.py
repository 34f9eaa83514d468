#!/usr/bin/env python3
"""SlerpFaceBenchmark's comparison table from a SlerpFace sweep's sweep-comparison.json.

Usage: tools/slerpface_sweep_table.py OUT/sweep-comparison.json

One row per protection scheme (the sweep's methods, slerpface-grouping (metrics=SCHEME)); mean ± sample std over the
finished seeds of the slerpface-* metrics the runs reported: 10-fold verification accuracy (the accuracy matrix's
metric), TAR@FAR, D<->sys, attacks (1) key-known inverse and (2) ridge (share of victims' reconstructions the protected
system accepts), the share of leaked templates accepted after revocation, and the TAR after re-enrolment. The
image-decoder attack (3) is not a sweep metric (SlerpFaceBenchmark keeps it).
"""
import json
import sys

COLUMNS = [
    ("10-fold acc", "lastAccuracy"),
    ("TAR@FAR", "other:slerpface-tar"),
    ("D<->sys", "other:slerpface-dsys"),
    ("(1) key-known inverse", "other:slerpface-key-known-attack"),
    ("(2) ridge", "other:slerpface-ridge-attack"),
    ("leaked after revocation", "other:slerpface-revoked-accept"),
    ("re-enrolled TAR", "other:slerpface-reenrolled-tar"),
]


def cell(values, key):
    v = values.get(key)
    if not v or v.get("mean") is None:
        return "n/a"
    std = v.get("std")
    return "%.4f ± %.4f" % (v["mean"], std if std is not None else float("nan"))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    comparison = json.load(open(sys.argv[1]))
    print("| scheme | seeds | " + " | ".join(name for name, _ in COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for method in comparison["methods"]:
        name = method["method"]
        scheme = name[name.find("metrics=") + len("metrics="):].rstrip(")") if "metrics=" in name else name
        values = method["values"]
        print("| %s | %d | %s |" % (scheme, method["finished"], " | ".join(cell(values, k) for _, k in COLUMNS)))


if __name__ == "__main__":
    main()
