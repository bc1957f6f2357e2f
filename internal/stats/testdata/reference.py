#!/usr/bin/env python3
"""Reference item analysis for internal/stats, written independently of the Go
code from the textbook formulas, on the raw score matrix (no covariance
shortcuts), with the Python standard library only (numpy, pandas and
pingouin are not installed on the machine that generated items.json).

  difficulty      = mean(item) / 5                      (levels 1..5)
  discrimination  = Pearson r(item, sum of the other items)   (corrected item-total)
  alpha           = k/(k-1) * (1 - sum(var(item)) / var(total)), sample variances
  alpha_if_deleted= alpha of the other k-1 items

Run:  python3 reference.py > items.json
The data sets are generated here with fixed seeds, so the run is reproducible.
"""
import json, math, random, statistics

def pearson(x, y):
    mx, my = statistics.fmean(x), statistics.fmean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)

def alpha(rows, cols):
    k = len(cols)
    if k < 2:
        return None
    totals = [sum(r[c] for c in cols) for r in rows]
    vt = statistics.variance(totals)
    if vt == 0:
        return None
    vi = sum(statistics.variance([r[c] for r in rows]) for c in cols)
    return k / (k - 1) * (1 - vi / vt)

def analyse(rows, groups):
    k = len(rows[0])
    out = {"items": [], "groups": []}
    allcols = list(range(k))
    for i in allcols:
        col = [r[i] for r in rows]
        rest = [sum(r[j] for j in allcols if j != i) for r in rows]
        out["items"].append({"difficulty": statistics.fmean(col) / 5,
                             "discrimination": pearson(col, rest)})
    for name, cols in groups.items():
        g = {"name": name, "columns": cols, "alpha": alpha(rows, cols), "alpha_if_deleted": []}
        for c in cols:
            g["alpha_if_deleted"].append(alpha(rows, [x for x in cols if x != c]))
        out["groups"].append(g)
    return out

def dataset(seed, n, k, noise_item=None):
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        ability = rnd.gauss(0, 1)
        row = []
        for i in range(k):
            z = rnd.gauss(0, 1) if i == noise_item else ability + rnd.gauss(0, 0.8)
            row.append(min(5, max(1, round(3 + 1.2 * z))))
        rows.append(row)
    return rows

sets = []
for name, seed, n, k, noise, groups in [
    ("consistent-6", 1, 60, 6, None, {"all": [0, 1, 2, 3, 4, 5], "a": [0, 1, 2], "b": [3, 4, 5]}),
    ("one-noise-item-5", 2, 200, 5, 3, {"all": [0, 1, 2, 3, 4]}),
    ("small-4", 3, 12, 4, None, {"all": [0, 1, 2, 3], "pair": [0, 1]}),
]:
    rows = dataset(seed, n, k, noise)
    sets.append({"name": name, "seed": seed, "rows": rows, "groups": groups, "expected": analyse(rows, groups)})
print(json.dumps(sets, indent=1))
