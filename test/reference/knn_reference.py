#!/usr/bin/python3
"""Reference nearest neighbours for the k-NN engine behind the distance-based privacy metrics
(src/core/metrics/distanceKernel.ts nearestNeighbours, distanceSearch.ts nearestRecords), computed by
brute force in numpy/scipy, independently of the TypeScript code.

The distance is privacy.dcr's summed per-column term (src/core/metrics/distanceSpace.ts): numeric
|a - b| / range (range = max - min of the real column's present values, a zero range gives 0),
categorical 0 for the same label and 1 otherwise, and for any column 0 when both cells are empty and 1
when exactly one is. For every query row: the two nearest reference rows, ordered by (distance, index),
so a tie goes to the lowest reference index (numpy argsort(kind='stable')).

Cases (written into test/fixtures/reference/knn.json as column lists, null = empty cell):
  ties     small integer columns (values on a quarter grid after range scaling, so every distance is
           exact in float32 as in float64) and a label column, with duplicate rows, empty cells, synthetic
           values more than half a range outside the real values where the real table has empty cells,
           and holdout values far outside where queries have empty cells: every repair path of
           nearestRecords, with many exact ties.
  numeric  seeded continuous columns, complete; the distances from scipy.spatial.distance.cdist
           (cityblock) on range-scaled data; the smallest gap between the 2nd and 3rd nearest distance is
           recorded (the indices are only well defined above float32 rounding).
Pairs: (synth, real), (synth, holdout), (holdout, real), (real, synth), (holdout, synth), (real, real).

Run: /usr/bin/python3 test/reference/knn_reference.py
"""
import json
import os

import numpy as np
import scipy
from scipy.spatial.distance import cdist

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference', 'knn.json')
PAIRS = [('synth', 'real'), ('synth', 'holdout'), ('holdout', 'real'), ('real', 'synth'), ('holdout', 'synth'), ('real', 'real')]


def term_matrix(a, b, real, kinds):
    """Summed distance between every row of a and every row of b; tables are dicts column -> list."""
    na, nb = len(next(iter(a.values()))), len(next(iter(b.values())))
    total = np.zeros((na, nb))
    for col, kind in kinds.items():
        x = np.array([np.nan if v is None else v for v in a[col]], dtype=object)
        y = np.array([np.nan if v is None else v for v in b[col]], dtype=object)
        ex = np.array([v is None for v in a[col]])
        ey = np.array([v is None for v in b[col]])
        one_empty = ex[:, None] != ey[None, :]
        both = ~ex[:, None] & ~ey[None, :]
        if kind == 'numeric':
            present = [v for v in real[col] if v is not None]
            lo, hi = (min(present), max(present)) if present else (0.0, 0.0)
            scale = 1.0 / (hi - lo) if hi > lo else 0.0
            xs = np.array([0.0 if v is None else (v - lo) * scale for v in a[col]])
            ys = np.array([0.0 if v is None else (v - lo) * scale for v in b[col]])
            term = np.abs(xs[:, None] - ys[None, :])
        else:
            term = (x[:, None] != y[None, :]).astype(float)
        total += np.where(both, term, 0.0) + one_empty.astype(float)
    return total


def two_nearest(dist):
    order = np.argsort(dist, axis=1, kind='stable')[:, :2]
    rows = np.arange(dist.shape[0])[:, None]
    d = dist[rows, order]
    return {'i1': order[:, 0].tolist(), 'i2': order[:, 1].tolist(), 'd1': d[:, 0].tolist(), 'd2': d[:, 1].tolist()}


def ties_case(rng):
    kinds = {'a': 'numeric', 'b': 'numeric', 'c': 'numeric', 'ward': 'categorical'}

    def draw(n, empty_share, wild=None):
        t = {
            'a': [int(v) for v in rng.integers(0, 5, n)],
            'b': [int(v) for v in rng.integers(0, 5, n)],
            'c': [int(v) for v in rng.integers(0, 3, n)],
            'ward': [str(v) for v in rng.choice(['icu', 'er', 'gen'], n)],
        }
        for col in t:
            for r in range(n):
                if rng.random() < empty_share:
                    t[col][r] = None
        if wild:
            col, values = wild
            for r in range(0, n, 3):
                t[col][r] = values[r % len(values)]
        return t

    real = draw(40, 0.1)
    real['a'][0], real['a'][1] = 0, 4  # range of a = 4, quarter grid
    real['b'][0], real['b'][1] = 0, 4
    real['c'][0], real['c'][1] = 0, 2  # range 2: half grid
    real['a'][2] = None  # a has empty real cells: out-of-band synthetic values there need the excess repair
    # Duplicate rows so that ties across distinct indices are common.
    for col in real:
        for r in range(30, 40):
            real[col][r] = real[col][r - 30]
    synth = draw(30, 0.1, ('a', [-4, 9, 12, -2]))
    holdout = draw(20, 0.1, ('b', [16, -8, 10]))
    synth['b'][1] = None  # empty query cells against out-of-band holdout values
    synth['b'][4] = None
    tables = {'real': real, 'synth': synth, 'holdout': holdout}
    pairs = {f'{q}->{r}': two_nearest(term_matrix(tables[q], tables[r], real, kinds)) for q, r in PAIRS}
    return {'kinds': kinds, 'tables': tables, 'pairs': pairs}


def numeric_case(rng):
    cols = 12
    kinds = {f'x{c}': 'numeric' for c in range(cols)}

    def draw(n):
        shared = rng.random(n)
        data = np.stack([(c + 1) * (0.5 * shared + rng.random(n)) + 10 * c for c in range(cols)], axis=1)
        return data

    data = {'real': draw(150), 'synth': draw(120), 'holdout': draw(60)}
    lo = data['real'].min(axis=0)
    span = data['real'].max(axis=0) - lo
    tables = {name: {f'x{c}': m[:, c].tolist() for c in range(cols)} for name, m in data.items()}
    pairs = {}
    min_gap = np.inf
    for q, r in PAIRS:
        dist = cdist((data[q] - lo) / span, (data[r] - lo) / span, metric='cityblock')
        near = two_nearest(dist)
        srt = np.sort(dist, axis=1)
        # Gaps that decide the indices: 1st vs 2nd (skip exact zeros of real -> real) and 2nd vs 3rd.
        gaps = np.concatenate([srt[:, 1] - srt[:, 0], srt[:, 2] - srt[:, 1]])
        min_gap = min(min_gap, float(gaps[gaps > 0].min()))
        pairs[f'{q}->{r}'] = near
    return {'kinds': kinds, 'tables': tables, 'pairs': pairs, 'minGap': min_gap}


def main():
    rng = np.random.default_rng(20261202)
    out = {
        'versions': {'numpy': np.__version__, 'scipy': scipy.__version__},
        'ties': ties_case(rng),
        'numeric': numeric_case(rng),
    }
    assert out['numeric']['minGap'] > 1e-5, out['numeric']['minGap']
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=None, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
