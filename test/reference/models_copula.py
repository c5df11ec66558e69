#!/usr/bin/python3
"""Reference values for the Gaussian copula generator (run with Debian's /usr/bin/python3).

  models_copula.py table   writes test/fixtures/models/copula/mixed_source.csv (a seeded synthetic
                           clinical table: integers, floats, a date, categories, a boolean, missing
                           values, identifiers, free text) and reference.json with, for it and for
                           test/fixtures/tables/breast_cancer.csv: normal-score correlations
                           (pairwise complete, scipy rankdata + norm.ppf), Spearman correlations,
                           category frequencies, missing rates and the scipy KS critical constant.
  models_copula.py graph   checks test/fixtures/models/copula/model.onnx (written by
                           test/unit/generators/writeCopulaFixture.ts) with onnx.checker (full check,
                           strict shape inference) and evaluates the graph with a small numpy
                           interpreter (onnx 1.12 in Debian has no ReferenceEvaluator) on a fixed
                           latent block: latent.f32 and expected.f32 (float32 little-endian, row-major).
"""
import json
import os
import sys

import numpy as np
from scipy import special, stats

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "test", "fixtures", "models", "copula")
SYNTH_ROWS = 20000
ALPHA = 1e-3


def make_mixed(n=1000, seed=20261128):
    rng = np.random.default_rng(seed)
    age = np.clip(np.round(rng.normal(58, 14, n)), 18, 95).astype(int)
    bmi = np.round(26 + 0.12 * (age - 58) + rng.normal(0, 4, n), 1)
    bmi_missing = rng.random(n) < 0.08
    sbp = np.round(np.exp(rng.normal(np.log(125) + 0.004 * (age - 58) + 0.01 * (bmi - 26), 0.12)), 1)
    sex = np.where(rng.random(n) < 0.55, "F", "M")
    logits = np.stack([0.03 * (sbp - 125), 0.05 * (bmi - 26), 0.02 * (age - 58), np.zeros(n)], axis=1)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array(["hypertension", "diabetes", "copd", "none"])
    diagnosis = labels[[rng.choice(4, p=p) for p in probs]]
    smoker = np.where(rng.random(n) < 0.22, "true", "false").astype(object)
    smoker[rng.random(n) < 0.05] = ""
    start = np.datetime64("2015-01-01")
    days = np.clip(rng.integers(0, 3000, n) + np.round((age - 58) * 5), 0, 3200).astype(int)
    admitted = [str(start + np.timedelta64(int(d), "D")) for d in days]
    ids = rng.permutation(np.arange(10000, 10000 + n))
    rows = ["patient_id,age,bmi,sbp,sex,diagnosis,smoker,admitted,note"]
    for i in range(n):
        rows.append(",".join([f"P{ids[i]:05d}", str(age[i]), "" if bmi_missing[i] else f"{bmi[i]:.1f}", f"{sbp[i]:.1f}", sex[i], diagnosis[i], smoker[i], admitted[i], f"note {i}"]))
    with open(os.path.join(OUT, "mixed_source.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


def read_csv(path, kinds):
    """Columns as float arrays (NaN = missing); categories coded in first-seen order like the TS reader."""
    with open(path, encoding="utf-8-sig") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    header = lines[0].split(",")
    cells = [l.split(",") for l in lines[1:]]
    cols = {}
    for j, name in enumerate(header):
        kind = kinds.get(name, "numeric")
        raw = [r[j] for r in cells]
        if kind == "numeric":
            cols[name] = (kind, np.array([float(v) if v != "" else np.nan for v in raw]), None)
        elif kind == "datetime":
            cols[name] = (kind, np.array([np.datetime64(v, "D").astype("int64") * 86400000.0 if v != "" else np.nan for v in raw]), None)
        elif kind in ("categorical", "boolean"):
            cats = ["false", "true"] if kind == "boolean" else list(dict.fromkeys(v for v in raw if v != ""))
            cols[name] = (kind, np.array([cats.index(v) if v != "" else np.nan for v in raw], dtype=float), cats)
    return cols


def normal_scores(x):
    s = np.full(len(x), np.nan)
    ok = ~np.isnan(x)
    r = stats.rankdata(x[ok], method="average")
    s[ok] = stats.norm.ppf((r - 0.5) / ok.sum())
    return s


def pairwise(a, b, fn):
    ok = ~np.isnan(a) & ~np.isnan(b)
    return float(fn(a[ok], b[ok]))


def describe(path, kinds):
    cols = read_csv(path, kinds)
    cont = [n for n, c in cols.items() if c[0] in ("numeric", "datetime")]
    cat = [n for n, c in cols.items() if c[0] in ("categorical", "boolean")]
    modelled = cont + cat
    scores = {n: normal_scores(cols[n][1]) for n in modelled}
    ns = [[pairwise(scores[a], scores[b], lambda x, y: np.corrcoef(x, y)[0, 1]) for b in modelled] for a in modelled]
    spearman = [[pairwise(cols[a][1], cols[b][1], lambda x, y: stats.spearmanr(x, y).correlation) for b in cont] for a in cont]
    freqs = {}
    for n in cat:
        v = cols[n][1]
        v = v[~np.isnan(v)]
        freqs[n] = {"categories": cols[n][2], "frequencies": [float(np.mean(v == k)) for k in range(len(cols[n][2]))]}
    return {
        "rows": len(next(iter(cols.values()))[1]),
        "kinds": {n: c[0] for n, c in cols.items()},
        "continuous": cont,
        "categorical": cat,
        "modelled": modelled,
        "normalScoreCorrelation": ns,
        "spearman": spearman,
        "categoryFrequencies": freqs,
        "missingRates": {n: float(np.mean(np.isnan(c[1]))) for n, c in cols.items()},
    }


def table_step():
    os.makedirs(OUT, exist_ok=True)
    make_mixed()
    mixed_kinds = {"patient_id": "identifier", "sex": "categorical", "diagnosis": "categorical", "smoker": "boolean", "admitted": "datetime", "note": "text"}
    ref = {
        "synthRows": SYNTH_ROWS,
        "alpha": ALPHA,
        # Two-sample KS: reject equality at level alpha when D > c(alpha) * sqrt((n + m) / (n m)).
        "ksConstant": float(stats.kstwobign.isf(ALPHA)),
        # Category and missing-rate tolerance: this many binomial standard deviations at SYNTH_ROWS.
        "binomialSigmas": 4.5,
        "mixed": describe(os.path.join(OUT, "mixed_source.csv"), mixed_kinds),
        "breastCancer": describe(os.path.join(ROOT, "test", "fixtures", "tables", "breast_cancer.csv"), {}),
    }
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)


def evaluate(model, feeds):
    """A numpy interpreter for exactly the ops the copula graph uses, at float32 like the runtime."""
    from onnx import numpy_helper
    env = dict(feeds)
    for t in model.graph.initializer:
        env[t.name] = numpy_helper.to_array(t)
    for node in model.graph.node:
        a = {at.name: (at.i if at.type == 2 else list(at.ints)) for at in node.attribute}
        x = [env[i] for i in node.input]
        op = node.op_type
        if op == "MatMul": y = np.matmul(x[0], x[1])
        elif op == "Mul": y = x[0] * x[1]
        elif op == "Add": y = x[0] + x[1]
        elif op == "Sub": y = x[0] - x[1]
        elif op == "Erf": y = special.erf(x[0]).astype(np.float32)
        elif op == "Floor": y = np.floor(x[0])
        elif op == "Clip": y = np.clip(x[0], x[1], x[2])
        elif op == "Cast": y = x[0].astype({1: np.float32, 7: np.int64}[a["to"]])
        elif op == "Gather": y = np.take(x[0], x[1], axis=a.get("axis", 0))
        elif op == "Slice":
            sl = [slice(None)] * x[0].ndim
            for s, e, ax in zip(x[1], x[2], x[3]): sl[ax] = slice(int(s), int(e))
            y = x[0][tuple(sl)]
        elif op == "Unsqueeze": y = np.expand_dims(x[0], tuple(int(v) for v in x[1]))
        elif op == "Less": y = x[0] < x[1]
        elif op == "ReduceSum": y = np.sum(x[0], axis=tuple(int(v) for v in x[1]), keepdims=bool(a.get("keepdims", 1))).astype(x[0].dtype)
        elif op == "Concat": y = np.concatenate(x, axis=a["axis"])
        else: raise SystemExit(f"unexpected op {op}")
        env[node.output[0]] = y
    return env[model.graph.output[0].name]


def graph_step():
    import onnx
    path = os.path.join(OUT, "model.onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    manifest = json.loads({p.key: p.value for p in model.metadata_props}["medsynth.json"])
    dims = model.graph.input[0].type.tensor_type.shape.dim[1].dim_value
    rows = 400
    z = np.random.default_rng(7).standard_normal((rows, dims)).astype(np.float32)
    x = evaluate(model, {"z": z}).astype(np.float32)
    z.astype("<f4").tofile(os.path.join(OUT, "latent.f32"))
    x.astype("<f4").tofile(os.path.join(OUT, "expected.f32"))
    info = {"rows": rows, "dims": dims, "irVersion": model.ir_version, "opset": [o.version for o in model.opset_import if o.domain == ""][0],
            "checker": "onnx.checker.check_model(full_check=True) passed", "onnxVersion": onnx.__version__, "manifestFamily": manifest["family"]}
    with open(os.path.join(OUT, "graph.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(json.dumps(info))


if __name__ == "__main__":
    {"table": table_step, "graph": graph_step}[sys.argv[1]]()
