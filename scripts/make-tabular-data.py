#!/usr/bin/env python3
"""Makes lesson 12's two committed tables (data/tabular/) from Debian's packaged copies.

  /usr/bin/python3 scripts/make-tabular-data.py data/tabular

breast_cancer.csv: scikit-learn's bundled Breast Cancer Wisconsin (Diagnostic) table (package
python3-sklearn) with its 30 feature names as a header and the class as a `diagnosis` column
(malignant / benign). cars.csv: vega_datasets' cars.json (package python3-vega-datasets) as CSV,
the `Year` date as its year and `Name` left out; a missing value is an empty field.
Deterministic: rerunning it reproduces the files byte for byte.
"""
import csv
import json
import os
import sys

from sklearn.datasets import load_breast_cancer
import vega_datasets

CARS_COLUMNS = ["Miles_per_Gallon", "Cylinders", "Displacement", "Horsepower",
                "Weight_in_lbs", "Acceleration", "Year", "Origin"]


def number(v):
    return "" if v is None else (repr(v) if isinstance(v, float) else str(v))


def breast_cancer(out):
    d = load_breast_cancer()
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([n.replace(" ", "_") for n in d.feature_names] + ["diagnosis"])
        for row, t in zip(d.data, d.target):
            w.writerow([repr(float(v)) for v in row] + [d.target_names[t]])


def cars(out):
    src = os.path.join(os.path.dirname(vega_datasets.__file__), "_data", "cars.json")
    with open(src) as f:
        rows = json.load(f)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CARS_COLUMNS)
        for r in rows:
            year = r["Year"][:4]
            w.writerow([number(r[c]) for c in CARS_COLUMNS[:6]] + [year, r["Origin"]])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make-tabular-data.py OUT_DIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    breast_cancer(os.path.join(sys.argv[1], "breast_cancer.csv"))
    cars(os.path.join(sys.argv[1], "cars.csv"))
