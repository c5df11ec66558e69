#!/usr/bin/python3
"""Reference side of bench/privacy.ts: scikit-learn NearestNeighbors(n_neighbors=2, algorithm='brute',
metric='manhattan', n_jobs=-1) fit on the range-scaled real rows and queried with the synthetic rows
(what privacy.dcr computes). Reads real.f64 / synth.f64 (row-major float64) from a folder; times
scaling + fit + kneighbors, best of N runs; prints one JSON line with the seconds, this process's peak
resident memory (ru_maxrss, so numpy, the data and sklearn's work arrays included) and the median
mean-per-column distance to the closest real row.

Usage: /usr/bin/python3 bench/privacy.py <dir> <rows> <cols> <repeats>
"""
import json
import os
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.neighbors import NearestNeighbors


def main():
    folder, rows, cols, repeats = sys.argv[1], *map(int, sys.argv[2:5])
    real = np.fromfile(os.path.join(folder, 'real.f64')).reshape(rows, cols)
    synth = np.fromfile(os.path.join(folder, 'synth.f64')).reshape(rows, cols)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        lo = real.min(axis=0)
        span = real.max(axis=0) - lo
        span[span == 0] = 1
        nn = NearestNeighbors(n_neighbors=2, algorithm='brute', metric='manhattan', n_jobs=-1).fit((real - lo) / span)
        dist, _ = nn.kneighbors((synth - lo) / span)
        times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({'seconds': min(times), 'all': times, 'peakMb': peak_mb, 'median': float(np.median(dist[:, 0] / cols)),
                      'sklearn': sklearn.__version__, 'cpus': os.cpu_count()}))


if __name__ == '__main__':
    main()
