#!/usr/bin/env python3
"""SlerpFaceBenchmark's comparison table from a SlerpFace sweep's sweep-comparison.json.

Usage: tools/slerpface_sweep_table.py OUT/sweep-comparison.json

One row per protection scheme (the sweep's methods, slerpface-grouping (metrics=SCHEME)); mean ± sample std over the
finished seeds of the slerpface-* metrics the runs reported: 10-fold verification accuracy (the accuracy matrix's
metric), TAR@FAR, D<->sys, attacks (1) key-known inverse and (2) ridge (share of victims' reconstructions the protected
system accepts), the share of leaked templates accepted after revocation, and the TAR after re-enrolment; then attacks
(1) and (2) judged by the unprotected recogniser. The image-decoder attack (3) is not a sweep metric
(SlerpFaceBenchmark keeps it).
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
RAW = [
    ("(1) key-known inverse", "other:slerpface-key-known-raw"),
    ("(2) ridge", "other:slerpface-ridge-raw"),
]


def cell(values, key):
    v = values.get(key)
    if not v or v.get("mean") is None:
        return "n/a"
    std = v.get("std")
    return "%.4f ± %.4f" % (v["mean"], std if std is not None else float("nan"))


def table(methods, columns):
    print("| scheme | seeds | " + " | ".join(name for name, _ in columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for method in methods:
        name = method["method"]
        scheme = name[name.find("metrics=") + len("metrics="):].rstrip(")") if "metrics=" in name else name
        values = method["values"]
        print("| %s | %d | %s |" % (scheme, method["finished"], " | ".join(cell(values, k) for _, k in columns)))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    methods = json.load(open(sys.argv[1]))["methods"]
    table(methods, COLUMNS)
    print()
    print("The same reconstructions judged by the unprotected recogniser (identity recovered):")
    print()
    table(methods, RAW)


if __name__ == "__main__":
    main()
