#!/usr/bin/python3
"""bench/compare.py - the harness's agreement check: every lead's score
(and grade) must be the same in every CSV (lead_id,score,grade) within
TOL. Prints "agree N leads" or the first disagreements and exits 1.

    compare.py TOL A.csv B.csv [C.csv ...]"""
import csv
import sys


def load(path):
    with open(path, newline="") as f:
        return {int(r["lead_id"]): (float(r["score"]), r["grade"]) for r in csv.DictReader(f)}


def main():
    tol = float(sys.argv[1])
    paths = sys.argv[2:]
    ref = load(paths[0])
    bad = 0
    for p in paths[1:]:
        other = load(p)
        if set(other) != set(ref):
            print(f"lead sets differ: {paths[0]} has {len(ref)}, {p} has {len(other)}")
            bad += 1
        for lid, (score, grade) in ref.items():
            o = other.get(lid)
            if o is None:
                continue
            if abs(o[0] - score) > tol or o[1] != grade:
                bad += 1
                if bad <= 10:
                    print(f"lead {lid}: {paths[0]} {score} {grade} vs {p} {o[0]} {o[1]}")
    if bad:
        print(f"DISAGREE: {bad} differences")
        sys.exit(1)
    print(f"agree {len(ref)} leads")


if __name__ == "__main__":
    main()
