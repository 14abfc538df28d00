#!/usr/bin/env python3
"""The VLI baseline for opcc-bench: the same scheme as Sources/OPCCCore/VLI/VLIScoring.swift, in NumPy.

Reads the seeded synthetic inputs opcc-bench wrote (lsoa, households, population, then the six variables), the
LSOA geography (for the MSOA and local-authority groups) and the scheme YAML; times only the computation (normalise
each variable, index = value / mean over all areas x 100, domain = mean of its indices, composite = sum of
weight x domain, over the threshold; then aggregate to MSOAs and to local authorities: areas, over, mean, max,
population, ranked by over, mean, code); then compares every composite and every group figure with the files
opcc-bench wrote from Swift. Prints one JSON object on stdout.

usage: vli_numpy.py --inputs CSV --geography CSV --scheme YAML --swift-scores CSV --swift-groups CSV [--runs N]
"""
import argparse
import csv
import json
import statistics
import sys
import time

import numpy as np
import yaml


def load_inputs(path, variables):
    codes, households, population, values = [], [], [], []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        columns = [header.index(v) for v in variables]
        for row in reader:
            codes.append(row[0])
            households.append(int(row[1]))
            population.append(int(row[2]))
            values.append([float(row[c]) for c in columns])
    return (codes, np.array(households, dtype=np.float64), np.array(population, dtype=np.float64),
            np.array(values, dtype=np.float64))


def load_groups(path, codes):
    """For each LSOA in `codes` (in order): the index of its MSOA and of its local authority, and the groups."""
    msoa_of, la_of = {}, {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for r in reader:
            msoa_of[r[7]] = r[5]
            la_of[r[7]] = r[3]
    levels = {}
    for level, mapping in (("msoa", msoa_of), ("la", la_of)):
        names = sorted({mapping[c] for c in codes})
        index = {name: i for i, name in enumerate(names)}
        levels[level] = (np.array([index[mapping[c]] for c in codes], dtype=np.int64), np.array(names))
    return levels


def compute(households, population, values, scheme, levels):
    specs = scheme["variables"]
    normalised = np.empty_like(values)
    for j, spec in enumerate(specs):
        how = spec["normalisation"]
        raw = values[:, j]
        if how == "score-as-given":
            normalised[:, j] = raw
        elif how == "per-1000-households":
            normalised[:, j] = raw / households * 1000
        elif how == "per-1000-population":
            normalised[:, j] = raw / population * 1000
        elif how == "proportion-of-population":
            normalised[:, j] = raw / population
        else:
            raise SystemExit(f"unknown normalisation {how}")
    means = normalised.mean(axis=0)
    safe = np.where(means == 0, 1.0, means)
    indices = np.where(means == 0, 0.0, normalised / safe * 100)
    position = {spec["name"]: j for j, spec in enumerate(specs)}
    composite = np.zeros(len(households))
    for domain in scheme["domains"]:
        cols = [position[v] for v in domain["variables"]]
        composite += domain["weight"] * (indices[:, cols].sum(axis=1) / len(cols))
    over = composite > scheme["threshold"]
    groups = {}
    for level, (of, names) in levels.items():
        n = len(names)
        count = np.bincount(of, minlength=n)
        over_count = np.bincount(of, weights=over, minlength=n).astype(np.int64)
        mean = np.bincount(of, weights=composite, minlength=n) / count
        order = np.argsort(of, kind="stable")
        starts = np.searchsorted(of[order], np.arange(n))
        maximum = np.maximum.reduceat(composite[order], starts)
        people = np.bincount(of, weights=population, minlength=n).astype(np.int64)
        ranked = np.lexsort((names, -mean, -over_count))
        groups[level] = (names[ranked], count[ranked], over_count[ranked], mean[ranked], maximum[ranked],
                         people[ranked])
    return composite, over, groups


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--inputs", required=True)
    p.add_argument("--geography", required=True)
    p.add_argument("--scheme", required=True)
    p.add_argument("--swift-scores", required=True)
    p.add_argument("--swift-groups", required=True)
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    with open(a.scheme, encoding="utf-8") as f:
        scheme = yaml.safe_load(f)
    variables = [v["name"] for v in scheme["variables"]]
    codes, households, population, values = load_inputs(a.inputs, variables)
    levels = load_groups(a.geography, codes)

    times = []
    for _ in range(a.runs):
        start = time.perf_counter()
        composite, over, groups = compute(households, population, values, scheme, levels)
        times.append(time.perf_counter() - start)

    # Compare with what Swift computed.
    swift = {}
    with open(a.swift_scores, newline="", encoding="utf-8") as f:
        for code, value, flag in csv.reader(f):
            swift[code] = (float(value), flag == "1")
    worst = 0.0
    flags_differ = 0
    for i, code in enumerate(codes):
        value, flag = swift[code]
        worst = max(worst, abs(value - composite[i]))
        flags_differ += flag != bool(over[i])
    swift_groups = {}
    with open(a.swift_groups, newline="", encoding="utf-8") as f:
        for level, rank, code, areas, over_count, mean, maximum, people in csv.reader(f):
            swift_groups.setdefault(level, []).append(
                (code, int(areas), int(over_count), float(mean), float(maximum), int(people)))
    worst_group = 0.0
    groups_differ = 0
    for level, (names, count, over_count, mean, maximum, people) in groups.items():
        theirs = swift_groups.get(level, [])
        if len(theirs) != len(names):
            groups_differ += abs(len(theirs) - len(names)) + 1
        for k, row in enumerate(theirs[: len(names)]):
            if (row[0], row[1], row[2], row[5]) != (names[k], count[k], over_count[k], people[k]):
                groups_differ += 1
            worst_group = max(worst_group, abs(row[3] - mean[k]), abs(row[4] - maximum[k]))
    result = {
        "areas": len(codes),
        "over": int(over.sum()),
        "local_authorities": len(levels["la"][1]),
        "msoas": len(levels["msoa"][1]),
        "median_seconds": statistics.median(times),
        "runs": a.runs,
        "max_abs_difference_composite": worst,
        "max_abs_difference_groups": worst_group,
        "threshold_flags_differing": flags_differ,
        "group_rows_differing": groups_differ,
        "identical_to_1e-9": worst <= 1e-9 and worst_group <= 1e-9 and flags_differ == 0 and groups_differ == 0,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    }
    print(json.dumps(result))
    return 0 if result["identical_to_1e-9"] else 1


if __name__ == "__main__":
    sys.exit(main())
