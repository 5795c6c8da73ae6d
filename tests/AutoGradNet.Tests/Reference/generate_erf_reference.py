#!/usr/bin/python3
"""Generates erf_reference.json: erf x and e^(-x^2), correctly rounded to float64, from mpmath at 50 digits.

Regenerate (from the repository root) with Debian's mpmath (it comes with python3-sympy / python3-torch):

    apt-get install -y python3-mpmath
    /usr/bin/python3 tests/AutoGradNet.Tests/Reference/generate_erf_reference.py

CI never runs this script: the JSON is committed, and UnaryMathTests only reads it.

The inputs are random, but kept only where x*x in float64 is off from the exact square by more than 0.4 of an
ulp of the square: there e^(-x^2) computed from the rounded square is wrong by several ulps, so the points
show whether the implementation compensates that rounding. Values are written with repr (shortest round-trip).
"""

import json
import math
import os
import random
from fractions import Fraction

import mpmath

mpmath.mp.dps = 50
random.seed(20261124)

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(SCRIPT_DIR, "erf_reference.json")


def square_rounds_badly(x):
    sq = x * x
    error = Fraction(x) ** 2 - Fraction(sq)
    return abs(error) > Fraction(0.4) * Fraction(math.ulp(sq))


def points(low, high, count):
    out = []
    while len(out) < count:
        x = random.uniform(low, high)
        if square_rounds_badly(x):
            out.append(x)
    return out


xs = points(0.3, 2.5, 60) + points(2.5, 6.0, 30)
xs += [-x for x in points(0.3, 6.0, 10)]
cases = []
for x in xs:
    m = mpmath.mpf(x)
    cases.append({"x": x, "erf": float(mpmath.erf(m)), "exp_minus_square": float(mpmath.exp(-m * m))})

header = {"generator": "tests/AutoGradNet.Tests/Reference/generate_erf_reference.py",
          "mpmath_version": mpmath.__version__, "digits": mpmath.mp.dps}
with open(OUT_PATH, "w") as f:
    f.write(json.dumps(header)[:-1] + ', "cases": [\n')
    f.write(",\n".join(json.dumps(c) for c in cases))
    f.write("\n]}\n")
print(f"wrote {len(cases)} cases to {OUT_PATH}")
