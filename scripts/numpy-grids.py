#!/usr/bin/python3
"""Writes test/fixtures/numpy-grids.json: NumPy's np.linspace(a, b, n) and np.logspace(np.log10(a), np.log10(b), n)
for many (a, b, n), the reference src-core/sweep/grid.ts is tested against (test/core/sweep/grid.test.ts).

Run it with NPY_DISABLE_CPU_FEATURES set as below (the script re-executes itself so): on a CPU with AVX-512, NumPy 1.24
computes power and log10 with SVML's vector routines, whose last bit differs from the C library's pow and log10 on
about a quarter of inputs; everywhere else (and with those features disabled) it calls the C library, which is what a
notebook on most machines gets and what this reference holds. The `svmlDiffers` count says how many values of this
table the AVX-512 path gives differently on the machine that wrote it.

    /usr/bin/python3 scripts/numpy-grids.py
"""
import json
from decimal import Decimal, getcontext
import os
import random
import sys

AVX512 = "AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"
if os.environ.get("NPY_DISABLE_CPU_FEATURES") != AVX512:
    os.environ["NPY_DISABLE_CPU_FEATURES"] = AVX512
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np  # noqa: E402

ends = [1e-6, 1e-5, 3e-5, 1e-4, 2.5e-4, 3e-4, 5e-4, 1e-3, 2e-3, 3e-3, 0.007, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3,
        0.5, 0.9, 0.99, 0.999, 1, 1.5, 2, 3, 7, 10, 42, 100, 1e3, 1e6]
counts = [2, 3, 4, 5, 6, 7, 9, 10, 11, 13, 16, 20, 21, 25, 33, 50]
rng = random.Random(13)
cases = [(1e-3, 1e-2, 4), (1e-4, 1, 5), (0, 1, 11), (2, -2, 3), (1e-3, 1, 10), (0.01, 0.1, 7), (3, 7, 1), (0.9, 0.999, 5)]
while len(cases) < 400:
    a, b = rng.sample(ends, 2)
    cases.append((a, b, rng.choice(counts)))
# Uniformly drawn ends too, in the form's range of learning rates.
while len(cases) < 500:
    a = float("%.3g" % 10 ** rng.uniform(-6, 1))
    b = float("%.3g" % 10 ** rng.uniform(-6, 1))
    cases.append((a, b, rng.choice(counts)))

getcontext().prec = 60


def correct_log10(x):
    """log10(x) rounded once to a double."""
    return float(Decimal(x).ln() / Decimal(10).ln())


table = []
for a, b, n in cases:
    linear = np.linspace(a, b, n)
    entry = {"from": a, "to": b, "count": n, "linear": [float(x) for x in linear]}
    if a > 0 and b > 0:
        log = np.logspace(np.log10(a), np.log10(b), n)
        entry["log"] = [float(x) for x in log]
        exponents = np.linspace(float(correct_log10(a)), float(correct_log10(b)), n)
        entry["residual"] = [i for i in range(n) if float(log[i]) != float(Decimal(10) ** Decimal(float(exponents[i])))]
    table.append(entry)

out = {
    "numpy": np.__version__,
    "note": "np.linspace(from, to, count) and np.logspace(np.log10(from), np.log10(to), count), float64, written by scripts/numpy-grids.py with the C library's pow and log10",
    "cases": table,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "numpy-grids.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"{sum(len(e.get('residual', [])) for e in table)} residual values; {len(table)} cases, {sum(len(e['linear']) + len(e.get('log', [])) for e in table)} values -> {os.path.normpath(path)}")
