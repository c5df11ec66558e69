#!/usr/bin/python3
"""Reference eigen-decompositions for src/core/math/symmetricEigen.ts, computed with
numpy.linalg.eigh (LAPACK) and numpy.cov, independently of the TypeScript code.

Writes test/fixtures/metrics/image/eigh.json: seeded symmetric matrices (stored in full, so the test
needs nothing else), their numpy.linalg.eigh eigenvalues and eigenvectors, and one numpy.cov case.

Run: /usr/bin/python3 test/reference/eigh_reference.py
"""
import json
import os

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'metrics', 'image', 'eigh.json')


def symmetric(rng, n):
    x = rng.normal(size=(n, n))
    return (x + x.T) / 2


def with_spectrum(rng, values):
    q, _ = np.linalg.qr(rng.normal(size=(len(values), len(values))))
    m = q @ np.diag(values) @ q.T
    return (m + m.T) / 2


def main():
    rng = np.random.default_rng(20260308)
    cases = {
        'random_1': symmetric(rng, 1),
        'random_2': symmetric(rng, 2),
        'random_7': symmetric(rng, 7),
        'random_40': symmetric(rng, 40),
        # Repeated eigenvalues: only the eigenspaces are defined, the test compares their projectors.
        'repeated_8': with_spectrum(rng, [1, 1, 1, 2, 2, 5, 5, 5]),
        # A covariance of 5 samples in 12 dimensions: 8 eigenvalues at rounding level (FID's usual case
        # with few images and wide embeddings).
        'rank_deficient_12': np.cov(rng.normal(size=(5, 12)), rowvar=False),
        # Eigenvalues over twelve orders of magnitude.
        'wide_range_9': with_spectrum(rng, [1e-8, 1e-6, 1e-4, 1e-2, 1, 10, 100, 1e3, 1e4]),
        'diagonal_5': np.diag([3.0, -1.0, 2.0, 0.0, -4.0]),
        'zero_4': np.zeros((4, 4)),
        # The 1-2-1 second-difference matrix: eigenvalues 2 − 2 cos(kπ/(n+1)).
        'tridiagonal_30': 2 * np.eye(30) - np.eye(30, k=1) - np.eye(30, k=-1),
    }
    out = {'numpy': np.__version__, 'cases': {}}
    for name, m in cases.items():
        values, vectors = np.linalg.eigh(m)
        out['cases'][name] = {
            'n': m.shape[0],
            'matrix': m.ravel().tolist(),
            'values': values.tolist(),
            'vectors': vectors.ravel().tolist(),
        }
    x = rng.normal(size=(9, 4)) * np.array([1.0, 10.0, 0.1, 1000.0]) + np.array([5.0, -3.0, 0.0, 1e4])
    out['covariance'] = {
        'rows': 9,
        'dims': 4,
        'features': x.ravel().tolist(),
        'mean': x.mean(axis=0).tolist(),
        'cov': np.cov(x, rowvar=False).ravel().tolist(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
