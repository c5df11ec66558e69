#!/usr/bin/python3
"""Reference for the bootstrap intervals (src/core/metrics/bootstrap.ts and the metrics' resample closures),
written from the definitions and independently of the TypeScript. Writes test/fixtures/reference/bootstrap.json.

- percentiles: numpy.percentile(values, [2.5, 97.5]) with numpy's default method ('linear': position
  (m - 1) * q of the m sorted values, interpolated), on fixed arrays with ties, one and two values.
- ks: two numeric columns with gaps (NaN) and ties; resample row indices drawn here by numpy's
  default_rng(7) (with replacement); per resample 1 - scipy.stats.ks_2samp(real[rows], synth[rows]).statistic
  over the present cells, averaged over the columns (SDMetrics' KSComplement on the drawn rows).
- auc: held-out classifier scores of positives and negatives with ties; per resample
  sklearn.metrics.roc_auc_score on the drawn positives and negatives (the detection metric's resample:
  positives rank first when their value is smaller, so the score given to roc_auc_score is -value).
- pearson: one pair of numeric columns with gaps; per resample the pairwise-complete Pearson correlation
  of the drawn rows (pandas Series.corr).
- categorical: two categorical columns with gaps; per resample TVComplement, MissingValueSimilarity and
  ContingencySimilarity of the drawn rows, from pandas value_counts / isna / groupby(dropna=False).
"""
import json
import os

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp
from sklearn.metrics import roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference', 'bootstrap.json')
RESAMPLES = 25


def nan_list(a):
    return [None if np.isnan(v) else float(v) for v in a]


def percentile_cases():
    rng = np.random.default_rng(3)
    arrays = [
        [0.5],
        [0.2, 0.9],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        [0.97, 0.95, 0.95, 0.99, 0.91, 0.95, 0.93],
        list(np.round(rng.normal(0.8, 0.05, 200), 3)),
        list(rng.uniform(0, 1, 37)),
    ]
    return [{'values': [float(v) for v in a], 'p2_5': float(np.percentile(a, 2.5)), 'p97_5': float(np.percentile(a, 97.5))}
            for a in arrays]


def ks_case():
    rng = np.random.default_rng(11)
    n_real, n_synth = 60, 45
    real = {'a': np.round(rng.normal(50, 10, n_real)), 'b': np.round(rng.exponential(2.0, n_real), 1)}
    synth = {'a': np.round(rng.normal(53, 12, n_synth)), 'b': np.round(rng.exponential(2.4, n_synth), 1)}
    for col, gaps in (('a', [3, 17, 40]), ('b', [0, 8])):
        real[col][gaps] = np.nan
    synth['b'][[5, 6, 30]] = np.nan
    draws = np.random.default_rng(7)
    resamples = []
    for _ in range(RESAMPLES):
        rr = draws.integers(0, n_real, n_real)
        sr = draws.integers(0, n_synth, n_synth)
        scores = []
        for col in ('a', 'b'):
            x = real[col][rr]
            y = synth[col][sr]
            x = x[~np.isnan(x)]
            y = y[~np.isnan(y)]
            scores.append(1 - ks_2samp(x, y).statistic)
        resamples.append({'realRows': rr.tolist(), 'synthRows': sr.tolist(), 'score': float(np.mean(scores))})
    full = float(np.mean([1 - ks_2samp(real[c][~np.isnan(real[c])], synth[c][~np.isnan(synth[c])]).statistic for c in ('a', 'b')]))
    scores = [r['score'] for r in resamples]
    return {
        'real': {c: nan_list(v) for c, v in real.items()},
        'synth': {c: nan_list(v) for c, v in synth.items()},
        'score': full,
        'resamples': resamples,
        'ci95': [float(np.percentile(scores, 2.5)), float(np.percentile(scores, 97.5))],
    }


def auc_case():
    rng = np.random.default_rng(5)
    pos = np.round(rng.normal(-0.3, 1, 40), 1)
    neg = np.round(rng.normal(0.2, 1, 50), 1)
    draws = np.random.default_rng(9)
    resamples = []
    for _ in range(RESAMPLES):
        pi = draws.integers(0, len(pos), len(pos))
        ni = draws.integers(0, len(neg), len(neg))
        y = np.r_[np.ones(len(pi)), np.zeros(len(ni))]
        s = -np.r_[pos[pi], neg[ni]]
        resamples.append({'positiveRows': pi.tolist(), 'negativeRows': ni.tolist(), 'auc': float(roc_auc_score(y, s))})
    return {'positives': pos.tolist(), 'negatives': neg.tolist(), 'resamples': resamples}


def pearson_case():
    rng = np.random.default_rng(13)
    n = 50
    x = rng.normal(0, 1, n)
    y = 0.6 * x + rng.normal(0, 0.8, n)
    x[[2, 9]] = np.nan
    y[[9, 21, 33]] = np.nan
    draws = np.random.default_rng(17)
    resamples = []
    for _ in range(RESAMPLES):
        rows = draws.integers(0, n, n)
        r = pd.Series(x[rows]).corr(pd.Series(y[rows]))
        resamples.append({'rows': rows.tolist(), 'r': float(r)})
    return {'x': nan_list(x), 'y': nan_list(y), 'resamples': resamples}


def categorical_case():
    """Two categorical columns with gaps ('' = missing): per resample SDMetrics' TVComplement (value_counts of
    the present cells, normalised), MissingValueSimilarity (isna().mean() per column) and
    ContingencySimilarity (groupby(dropna=False).size() / rows) on the drawn rows, each averaged."""
    rng = np.random.default_rng(21)
    n_real, n_synth = 70, 55
    def column(n, labels, p, gap):
        v = rng.choice(labels, n, p=p).astype(object)
        v[rng.uniform(0, 1, n) < gap] = ''
        return v
    real = {'sex': column(n_real, ['F', 'M'], [0.5, 0.5], 0.1), 'ward': column(n_real, ['A', 'B', 'C'], [0.5, 0.3, 0.2], 0.05)}
    synth = {'sex': column(n_synth, ['F', 'M'], [0.35, 0.65], 0.2), 'ward': column(n_synth, ['A', 'B', 'C', 'D'], [0.4, 0.3, 0.2, 0.1], 0.0)}
    draws = np.random.default_rng(23)

    def frame(cols, rows):
        return pd.DataFrame({c: pd.Series(v[rows]).replace('', np.nan) for c, v in cols.items()})

    def scores(r, s):
        tv, mv = [], []
        for c in ('sex', 'ward'):
            p = r[c].dropna().value_counts(normalize=True)
            q = s[c].dropna().value_counts(normalize=True)
            labels = sorted(set(p.index) | set(q.index))  # a fixed order: the sums repeat to the last bit
            tv.append(1 - 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in labels))
            mv.append(1 - abs(r[c].isna().mean() - s[c].isna().mean()))
        # A missing cell is a label of its own (SDMetrics' groupby dropna=False); a text sentinel keeps the
        # keys hashable and equal (NaN keys are not equal to themselves).
        cr = r.fillna('<missing>').groupby(['sex', 'ward']).size() / len(r)
        cs = s.fillna('<missing>').groupby(['sex', 'ward']).size() / len(s)
        keys = sorted(set(cr.index) | set(cs.index))
        cont = 1 - 0.5 * sum(abs(cr.get(k, 0.0) - cs.get(k, 0.0)) for k in keys)
        return {'tv': float(np.mean(tv)), 'missing': float(np.mean(mv)), 'contingency': float(cont)}

    resamples = []
    for _ in range(RESAMPLES):
        rr = draws.integers(0, n_real, n_real)
        sr = draws.integers(0, n_synth, n_synth)
        resamples.append({'realRows': rr.tolist(), 'synthRows': sr.tolist(), **scores(frame(real, rr), frame(synth, sr))})
    all_real = np.arange(n_real)
    all_synth = np.arange(n_synth)
    return {
        'score': scores(frame(real, all_real), frame(synth, all_synth)),
        'real': {c: list(v) for c, v in real.items()},
        'synth': {c: list(v) for c, v in synth.items()},
        'resamples': resamples,
    }


def main():
    out = {
        'numpy': np.__version__,
        'percentiles': percentile_cases(),
        'ks': ks_case(),
        'auc': auc_case(),
        'pearson': pearson_case(),
        'categorical': categorical_case(),
    }
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
