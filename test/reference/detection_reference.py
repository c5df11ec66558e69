#!/usr/bin/python3
"""Reference for fidelity.detection (src/core/metrics/detection.ts): scikit-learn's LogisticRegression
(C=1.0, solver='lbfgs', max_iter=1000) and roc_auc_score on a small mixed table, with the features and the
split written here independently of the TypeScript (pandas/numpy encoding; the seeded split re-implemented
from its definition). Writes test/fixtures/metrics/detection.json.

Table: real = the first 200 rows of samples/workspace/patients.csv (identifier, date, numbers with gaps,
categories with gaps, a boolean); synthetic = a perturbed copy (numpy default_rng(9): ages ±3, blood pressure
+N(10, 8), BMI +N(0.5, 1) with 8% emptied, dates ±30 days, 10% of sexes and 15% of smokers flipped, 15% of
diagnoses redrawn). The cells go into the fixture as text, with the column kinds, so the test builds the same
tables.

lbfgs is run with tol=1e-12, but scipy's L-BFGS-B also stops on the relative decrease of the objective
(scikit-learn passes ftol = 64 eps), so it ends short of the optimum: `gradientMax` records the largest gradient
entry of ½‖w‖² + C Σ log-loss at its fit and `defaultTolMaxCoefDiff` how far the default-tolerance (1e-4) fit
lies from it. The same model fitted with solver='newton-cholesky' (tol=1e-14) is recorded too
(`newtonCoef`, `newtonIntercept`): the optimum to rounding, against which the TypeScript Newton fit is checked
more tightly.
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'metrics', 'detection.json')
SEED = 0
KINDS = {
    'patient_id': 'identifier',
    'admission_date': 'datetime',
    'age': 'numeric',
    'sex': 'categorical',
    'diagnosis': 'categorical',
    'systolic_bp': 'numeric',
    'bmi': 'numeric',
    'smoker': 'boolean',
}


def tables():
    src = pd.read_csv(os.path.join(ROOT, 'samples', 'workspace', 'patients.csv'), dtype=str, keep_default_na=False)
    real = src.iloc[:200].reset_index(drop=True)
    rng = np.random.default_rng(9)
    n = len(real)
    syn = real.copy()
    syn['patient_id'] = [f'S{i + 1:05d}' for i in range(n)]
    dates = pd.to_datetime(real['admission_date']) + pd.to_timedelta(rng.integers(-30, 31, n), unit='D')
    syn['admission_date'] = dates.dt.strftime('%Y-%m-%d')

    def num(col, f):
        out = []
        for s in real[col]:
            out.append('' if s == '' else f(float(s)))
        return out

    ages = rng.integers(-3, 4, n)
    syn['age'] = [('' if s == '' else str(int(float(s)) + int(d))) for s, d in zip(real['age'], ages)]
    bp = rng.normal(10, 8, n)
    syn['systolic_bp'] = [('' if s == '' else str(int(round(float(s) + d)))) for s, d in zip(real['systolic_bp'], bp)]
    bmi = rng.normal(0.5, 1.0, n)
    drop = rng.random(n) < 0.08
    syn['bmi'] = [('' if s == '' or z else f'{float(s) + d:.1f}') for s, d, z in zip(real['bmi'], bmi, drop)]
    flip = rng.random(n) < 0.10
    syn['sex'] = [({'F': 'M', 'M': 'F'}.get(s, s) if f else s) for s, f in zip(real['sex'], flip)]
    labels = sorted(v for v in real['diagnosis'].unique() if v != '')
    redraw = rng.random(n) < 0.15
    picks = rng.integers(0, len(labels), n)
    syn['diagnosis'] = [(labels[p] if r else s) for s, r, p in zip(real['diagnosis'], redraw, picks)]
    sflip = rng.random(n) < 0.15
    syn['smoker'] = [({'true': 'false', 'false': 'true'}.get(s, s) if f else s) for s, f in zip(real['smoker'], sflip)]
    return real, syn


def encode(real, syn):
    """Features of real rows then synthetic rows, written from detection.ts' header, in pandas/numpy."""
    cols, names = [], []
    for name, kind in KINDS.items():
        both = pd.concat([real[name], syn[name]], ignore_index=True)
        empty = (both == '').to_numpy()
        if kind in ('identifier', 'text'):
            continue
        if kind in ('numeric', 'datetime'):
            if kind == 'numeric':
                v = pd.to_numeric(both.replace('', np.nan)).to_numpy(dtype=float)
            else:
                ts = pd.to_datetime(both.replace('', None), format='%Y-%m-%d', utc=True)
                v = np.array([np.nan if pd.isna(t) else t.value / 1e6 for t in ts])
            lo, hi = np.nanmin(v), np.nanmax(v)
            x = np.where(np.isnan(v), 0.0, (v - lo) / (hi - lo) if hi > lo else 0.0)
            cols.append(x)
            names.append(name)
            if empty.any():
                cols.append(empty.astype(float))
                names.append(f'{name} (empty)')
        elif kind == 'boolean':
            cols.append((both == 'true').to_numpy(dtype=float))
            names.append(name)
            if empty.any():
                cols.append(empty.astype(float))
                names.append(f'{name} (empty)')
        else:
            labels = list(pd.unique(both[~empty]))
            assert len(labels) <= 32, 'the one-hot cap is not exercised here'
            for label in labels:
                cols.append((both == label).to_numpy(dtype=float))
                names.append(f'{name}={label}')
    return np.column_stack(cols), names


def mulberry32(seed):
    state = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def nxt():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        a = state
        t = imul(a ^ (a >> 15), 1 | a)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & 0xFFFFFFFF) ^ t
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return nxt


def split(n_real, n_syn, seed):
    """Per table a Fisher-Yates shuffle on one stream (real first); the first floor(n/2) train."""
    nxt = mulberry32(seed)
    train = np.zeros(n_real + n_syn, dtype=int)
    for start, n in ((0, n_real), (n_real, n_syn)):
        order = list(range(n))
        for i in range(n - 1, 0, -1):
            j = int(nxt() * (i + 1))
            order[i], order[j] = order[j], order[i]
        for k in order[: n // 2]:
            train[start + k] = 1
    return train


def main():
    real, syn = tables()
    x, names = encode(real, syn)
    y = np.r_[np.zeros(len(real), dtype=int), np.ones(len(syn), dtype=int)]
    train = split(len(real), len(syn), SEED)
    tr, te = train == 1, train == 0
    clf = LogisticRegression(C=1.0, solver='lbfgs', max_iter=1000, tol=1e-12).fit(x[tr], y[tr])
    assert clf.n_iter_[0] < 1000
    loose = LogisticRegression(C=1.0, solver='lbfgs', max_iter=1000).fit(x[tr], y[tr])
    newton = LogisticRegression(C=1.0, solver='newton-cholesky', max_iter=1000, tol=1e-14).fit(x[tr], y[tr])
    w, b = clf.coef_[0], clf.intercept_[0]
    z = x[tr] @ w + b
    p = 1 / (1 + np.exp(-z))
    grad = np.r_[x[tr].T @ (p - y[tr]) + w, np.sum(p - y[tr])]
    auc = float(roc_auc_score(y[te], clf.decision_function(x[te])))
    out = {
        'about': 'test/reference/detection_reference.py: scikit-learn LogisticRegression(C=1, lbfgs, tol=1e-12) + roc_auc_score',
        'seed': SEED,
        'kinds': KINDS,
        'real': {c: list(real[c]) for c in KINDS},
        'synth': {c: list(syn[c]) for c in KINDS},
        'featureNames': names,
        'x': [[float(v) for v in row] for row in x],
        'train': [int(v) for v in train],
        'coef': [float(v) for v in w],
        'intercept': float(b),
        'iterations': int(clf.n_iter_[0]),
        'newtonCoef': [float(v) for v in newton.coef_[0]],
        'newtonIntercept': float(newton.intercept_[0]),
        'gradientMax': float(np.max(np.abs(grad))),
        'defaultTolMaxCoefDiff': float(max(np.max(np.abs(loose.coef_[0] - w)), abs(loose.intercept_[0] - b))),
        'auc': auc,
        'newtonAuc': float(roc_auc_score(y[te], newton.decision_function(x[te]))),
        'score': float(min(1.0, max(0.0, 1 - 2 * max(0.0, auc - 0.5)))),
        'lbfgsFromNewton': float(max(np.max(np.abs(w - newton.coef_[0])), abs(b - newton.intercept_[0]))),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(f"detection: {len(names)} features, auc {auc:.6f} (newton {out['newtonAuc']:.6f}), lbfgs {out['iterations']} iterations, "
          f"|grad| {out['gradientMax']:.2e}, default-tol diff {out['defaultTolMaxCoefDiff']:.2e}")


if __name__ == '__main__':
    main()
