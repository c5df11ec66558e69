#!/usr/bin/python3
"""Reference for fidelity.alphaPrecision / fidelity.betaRecall (src/core/metrics/alphaBeta.ts) and the table
fidelity.prdc / fidelity.mmd (tablePrdc.ts, tableMmd.ts) on the record features of tableFeatures.ts.
Writes test/fixtures/reference/alpha_beta.json.

Everything is written here from the definitions, in numpy/scipy, independently of the TypeScript:
- features: min-max scaling of numbers and dates by the real column (zero range -> 0), an empty number ->
  the real mean of the scaled values plus an "(empty)" indicator when either table has gaps; categories and
  booleans one-hot (real labels by real count, then synthetic-only labels by synthetic count, ties first
  seen), "(empty)" one-hot position when either table has gaps; identifiers left out. The metrics are then
  computed on the features rounded to float32 (what the TypeScript stores) in float64.
- alpha-precision (Alaa et al. 2022): real centre = mean of the real features; r_a = np.quantile (linear)
  of the real distances to it; P_a = mean(synthetic distance to the real centre <= r_a).
- beta-recall: synthetic centre = mean of the synthetic features; the beta-support = synthetic rows with
  distance to it <= np.quantile(those distances, b); for every real row, its nearest synthetic row among
  those (argmin over the support, literally); recalled when that distance < the distance from the real row
  to its k-th (k = 1) nearest other real row.
- integrated: 1 - 2 * np.trapz(|curve - a|, a) on a = linspace(0, 1, 101).
- PRDC (Naeem et al. 2020) as the formulas of the authors' prdc package (k = 5, radii = (k+1)-th smallest
  distance within the set, self included; strict <).
- MMD: unbiased U-statistic with exp(-d^2 / (2 s^2)), s = median of scipy pdist over the pooled rows
  (real first; at most 1000 evenly spaced pooled rows: all here).
Cases: "mixed" (81 real rows, 64 perturbed synthetic rows with gaps and a synthetic-only label), "copy"
(synthetic = real) and "disjoint" (synthetic numbers and dates shifted ten real ranges away).
"""
import json
import os

import numpy as np
from scipy.spatial.distance import cdist, pdist

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference', 'alpha_beta.json')
KINDS = {
    'patient_id': 'identifier',
    'admitted': 'datetime',
    'age': 'numeric',
    'sbp': 'numeric',
    'sex': 'categorical',
    'diagnosis': 'categorical',
    'smoker': 'boolean',
}
LEVELS = np.linspace(0, 1, 101)
BETA_K = 1
PRDC_K = 5


def make_real(rng, n):
    days = rng.integers(0, 365, n)
    dates = [str(np.datetime64('2021-01-01') + int(d)) for d in days]
    age = rng.normal(55, 12, n).round(0)
    sbp = (110 + 0.5 * age + rng.normal(0, 10, n)).round(1)
    sex = rng.choice(['F', 'M'], n)
    diag = rng.choice(['I10', 'E11', 'J45', 'C50'], n, p=[0.4, 0.3, 0.2, 0.1])
    smoker = rng.choice(['true', 'false'], n, p=[0.3, 0.7])
    cells = {
        'patient_id': [f'P{i:04d}' for i in range(n)],
        'admitted': dates,
        'age': [f'{v:g}' for v in age],
        'sbp': [f'{v:g}' for v in sbp],
        'sex': list(sex),
        'diagnosis': list(diag),
        'smoker': list(smoker),
    }
    for i in rng.choice(n, 5, replace=False):
        cells['sbp'][i] = ''
    return cells


def make_synth(rng, real, n):
    idx = rng.integers(0, len(real['age']), n)
    out = {k: [real[k][i] for i in idx] for k in real}
    out['patient_id'] = [f'S{i:04d}' for i in range(n)]
    out['age'] = [f'{float(real["age"][i]) + rng.integers(-4, 5):g}' for i in idx]
    out['sbp'] = ['' if real['sbp'][i] == '' else f'{float(real["sbp"][i]) + rng.normal(3, 6):.1f}' for i in idx]
    out['admitted'] = [str(np.datetime64(real['admitted'][i]) + int(rng.integers(-20, 21))) for i in idx]
    for i in rng.choice(n, 4, replace=False):
        out['age'][i] = ''
    for i in rng.choice(n, 3, replace=False):
        out['smoker'][i] = ''
    for i in rng.choice(n, 2, replace=False):
        out['diagnosis'][i] = 'Z99'
    return out


def shifted(real, ranges):
    out = {k: list(v) for k, v in real.items()}
    for col in ('age', 'sbp'):
        vals = np.array([float(s) for s in real[col] if s != ''])
        span = vals.max() - vals.min()
        out[col] = ['' if s == '' else f'{float(s) + ranges * span:.6f}' for s in real[col]]
    days = np.array([np.datetime64(s) for s in real['admitted']])
    span = int((days.max() - days.min()).astype(int))
    out['admitted'] = [str(np.datetime64(s) + ranges * span) for s in real['admitted']]
    return out


def number_values(cells, kind):
    if kind == 'datetime':
        return np.array([np.nan if s == '' else np.datetime64(s, 'ms').astype('int64') for s in cells], dtype=float)
    return np.array([np.nan if s == '' else float(s) for s in cells])


def ranked_labels(values):
    seen = []
    counts = {}
    for v in values:
        if v == '':
            continue
        if v not in counts:
            seen.append(v)
            counts[v] = 0
        counts[v] += 1
    return sorted(seen, key=lambda l: (-counts[l], seen.index(l)))


def features(real, synth):
    names, cols_r, cols_s = [], [], []
    for col, kind in KINDS.items():
        if kind in ('identifier', 'text'):
            continue
        gaps = '' in real[col] or '' in synth[col]
        if kind in ('numeric', 'datetime'):
            r, s = number_values(real[col], kind), number_values(synth[col], kind)
            lo, hi = np.nanmin(r), np.nanmax(r)
            scale = 1 / (hi - lo) if hi > lo else 0.0
            rs, ss = (r - lo) * scale, (s - lo) * scale
            fill = np.nanmean(rs)
            names.append(col)
            cols_r.append(np.where(np.isnan(rs), fill, rs))
            cols_s.append(np.where(np.isnan(ss), fill, ss))
            if gaps:
                names.append(f'{col} (empty)')
                cols_r.append(np.isnan(r).astype(float))
                cols_s.append(np.isnan(s).astype(float))
        else:
            rl = ranked_labels(real[col])
            sl = [l for l in ranked_labels(synth[col]) if l not in rl]
            labels = rl + sl
            assert len(labels) <= 32
            for l in labels:
                names.append(f'{col}={l}')
                cols_r.append(np.array([v == l for v in real[col]], dtype=float))
                cols_s.append(np.array([v == l for v in synth[col]], dtype=float))
            if gaps:
                names.append(f'{col} (empty)')
                cols_r.append(np.array([v == '' for v in real[col]], dtype=float))
                cols_s.append(np.array([v == '' for v in synth[col]], dtype=float))
    return names, np.stack(cols_r, axis=1), np.stack(cols_s, axis=1)


def integrated(curve):
    return float(1 - 2 * np.trapz(np.abs(np.asarray(curve) - LEVELS), LEVELS))


def alpha_precision(X, Y):
    c = X.mean(axis=0)
    radii = np.quantile(np.sqrt(((X - c) ** 2).sum(axis=1)), LEVELS)
    ds = np.sqrt(((Y - c) ** 2).sum(axis=1))
    return [float(np.mean(ds <= r)) for r in radii]


def beta_recall(X, Y, k=BETA_K):
    drr = cdist(X, X)
    np.fill_diagonal(drr, np.inf)
    ball = np.sort(drr, axis=1)[:, k - 1]
    drs = cdist(X, Y)
    cg = Y.mean(axis=0)
    tc = np.sqrt(((Y - cg) ** 2).sum(axis=1))
    radii = np.quantile(tc, LEVELS)
    curve = []
    for r in radii:
        support = np.flatnonzero(tc <= r)
        nearest = drs[:, support].min(axis=1)
        curve.append(float(np.mean(nearest < ball)))
    # How close the calls come to the ball radii (a margin for float rounding).
    gap = float(np.min(np.abs(drs - ball[:, None])))
    return curve, gap


def prdc(X, Y, k=PRDC_K):
    def kth(D):
        return np.sort(D, axis=1)[:, k]  # (k+1)-th smallest, self (0) included
    rr, rs = kth(cdist(X, X)), kth(cdist(Y, Y))
    D = cdist(X, Y)
    return {
        'precision': float((D < rr[:, None]).any(axis=0).mean()),
        'recall': float((D < rs[None, :]).any(axis=1).mean()),
        'density': float((1 / k) * (D < rr[:, None]).sum(axis=0).mean()),
        'coverage': float((D.min(axis=1) < rr).mean()),
    }


def mmd(X, Y):
    pooled = np.vstack([X, Y])
    assert len(pooled) <= 1000
    sigma = float(np.median(pdist(pooled)))
    g = 1 / (2 * sigma ** 2)
    m, n = len(X), len(Y)
    kxx = np.exp(-g * cdist(X, X, 'sqeuclidean'))
    kyy = np.exp(-g * cdist(Y, Y, 'sqeuclidean'))
    kxy = np.exp(-g * cdist(X, Y, 'sqeuclidean'))
    mmd2 = (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.mean()
    return {'mmd2': float(mmd2), 'bandwidth': sigma}


def case(real, synth):
    names, xr, xs = features(real, synth)
    X = xr.astype(np.float32).astype(np.float64)
    Y = xs.astype(np.float32).astype(np.float64)
    ap = alpha_precision(X, Y)
    br, gap = beta_recall(X, Y)
    return {
        'real': real,
        'synth': synth,
        'featureNames': names,
        'realFeatures': xr.tolist(),
        'synthFeatures': xs.tolist(),
        'alphaPrecision': {'curve': ap, 'integrated': integrated(ap)},
        'betaRecall': {'curve': br, 'integrated': integrated(br), 'k': BETA_K, 'minGapToBall': gap},
        'prdc': prdc(X, Y),
        'mmd': mmd(X, Y),
    }


def main():
    rng = np.random.default_rng(20220)
    real = make_real(rng, 81)
    synth = make_synth(rng, real, 64)
    out = {
        'kinds': KINDS,
        'levels': LEVELS.tolist(),
        'cases': {
            'mixed': case(real, synth),
            'copy': case(real, {k: list(v) for k, v in real.items()}),
            'disjoint': case(real, shifted(real, 10)),
        },
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    for name, c in out['cases'].items():
        print(name, 'IPa', round(c['alphaPrecision']['integrated'], 4), 'IRb', round(c['betaRecall']['integrated'], 4),
              'prdc', {k: round(v, 4) for k, v in c['prdc'].items()}, 'mmd2', round(c['mmd']['mmd2'], 5),
              'gap', c['betaRecall']['minGapToBall'])


if __name__ == '__main__':
    main()
