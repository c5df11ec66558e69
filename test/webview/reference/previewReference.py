#!/usr/bin/python3
"""Independent reference for the table preview model: numpy's histogram (equal-width bins, last bin
closed) and pandas value_counts on the breast_cancer and clinical_mixed fixture tables. Run with
/usr/bin/python3 test/webview/reference/previewReference.py; it rewrites
test/webview/fixtures/previewReference.json."""
import json
import pathlib

import numpy as np
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parents[3]
OUT = ROOT / "test/webview/fixtures/previewReference.json"
BINS = 20


def numeric(series):
    present = series.dropna().to_numpy(dtype=float)
    counts, edges = np.histogram(present, bins=BINS if present.max() > present.min() else 1)
    return {
        "missing": int(series.isna().sum()),
        "distinct": int(series.nunique(dropna=True)),
        "counts": counts.tolist(),
        "edges": edges.tolist(),
        "mean": float(present.mean()),
    }


def categorical(series):
    # Ties keep first-seen order, as the preview does: value_counts(sort=False) is in order of appearance.
    counts = series.dropna().astype(str).value_counts(sort=False)
    order = sorted(range(len(counts)), key=lambda i: (-counts.iloc[i], i))
    return {
        "missing": int(series.isna().sum()),
        "distinct": int(series.nunique(dropna=True)),
        "top": [[str(counts.index[i]), int(counts.iloc[i])] for i in order],
    }


def main():
    out = {"generatedBy": "test/webview/reference/previewReference.py", "numpy": np.__version__, "bins": BINS, "tables": {}}
    bc = pd.read_csv(ROOT / "test/fixtures/tables/breast_cancer.csv")
    out["tables"]["breast_cancer.csv"] = {
        "rows": len(bc),
        "numeric": {c: numeric(bc[c]) for c in ["mean_radius", "worst_area", "mean_fractal_dimension"]},
    }
    pt = pd.read_csv(ROOT / "samples/workspace/patients.csv", dtype={"sex": str, "diagnosis": str})
    out["tables"]["patients.csv"] = {
        "rows": len(pt),
        "numeric": {c: numeric(pt[c]) for c in ["age", "bmi"]},
        "categorical": {c: categorical(pt[c]) for c in ["sex", "diagnosis"]},
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
