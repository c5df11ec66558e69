#!/usr/bin/python3
"""Reference side of bench/dcr.ts: scikit-learn NearestNeighbors (brute, manhattan) on range-scaled
data. Reads real.f64 / synth.f64 (row-major float64, shape given on the command line) from a folder,
times scaling + fit + kneighbors(n_neighbors=2) best of N runs, writes d1.f64 (mean per-column
distance to the closest real row) and prints one JSON line. With a holdout (holdout.f64 and its row
count), also times the three searches privacy.dcr makes with one: synthetic to training rows,
synthetic to holdout rows and holdout to training rows (the natural baseline).

Usage: /usr/bin/python3 bench/dcr.py <dir> <real_rows> <synth_rows> <cols> <repeats> [<holdout_rows>]
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.neighbors import NearestNeighbors


def main():
    folder, n_real, n_synth, cols, repeats = sys.argv[1], *map(int, sys.argv[2:6])
    real = np.fromfile(os.path.join(folder, 'real.f64')).reshape(n_real, cols)
    synth = np.fromfile(os.path.join(folder, 'synth.f64')).reshape(n_synth, cols)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        lo = real.min(axis=0)
        span = real.max(axis=0) - lo
        span[span == 0] = 1
        nn = NearestNeighbors(n_neighbors=2, algorithm='brute', metric='manhattan').fit((real - lo) / span)
        dist, _ = nn.kneighbors((synth - lo) / span)
        times.append(time.perf_counter() - start)
    (dist[:, 0] / cols).tofile(os.path.join(folder, 'd1.f64'))
    out = {'seconds': min(times), 'all': times, 'sklearn': sklearn.__version__}
    if len(sys.argv) > 6:
        holdout = np.fromfile(os.path.join(folder, 'holdout.f64')).reshape(int(sys.argv[6]), cols)
        with_holdout = []
        for _ in range(repeats):
            start = time.perf_counter()
            lo = real.min(axis=0)
            span = real.max(axis=0) - lo
            span[span == 0] = 1
            train = NearestNeighbors(n_neighbors=2, algorithm='brute', metric='manhattan').fit((real - lo) / span)
            train.kneighbors((synth - lo) / span)
            held = NearestNeighbors(n_neighbors=2, algorithm='brute', metric='manhattan').fit((holdout - lo) / span)
            held.kneighbors((synth - lo) / span)
            train.kneighbors((holdout - lo) / span)
            with_holdout.append(time.perf_counter() - start)
        out['holdoutSeconds'] = min(with_holdout)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
