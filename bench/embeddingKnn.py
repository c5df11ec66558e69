#!/usr/bin/python3
"""Reference side of bench/embeddingKnn.ts: scikit-learn NearestNeighbors(n_neighbors=2, algorithm='brute',
metric='euclidean', n_jobs=-1) fit on the real embeddings and queried with the synthetic ones (the
neighbour search behind the image DCR/NNDR). Reads real.f32 / synth.f32 (row-major float32) from a folder,
computes in float64 as our code does, prints one JSON line with the seconds (best of N) and a checksum of
the neighbour indices.

Usage: /usr/bin/python3 bench/embeddingKnn.py <dir> <rows> <dims> <repeats>
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.neighbors import NearestNeighbors


def main():
    folder, rows, dims, repeats = sys.argv[1], *map(int, sys.argv[2:5])
    real = np.fromfile(os.path.join(folder, 'real.f32'), dtype=np.float32).reshape(rows, dims).astype(np.float64)
    synth = np.fromfile(os.path.join(folder, 'synth.f32'), dtype=np.float32).reshape(rows, dims).astype(np.float64)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _dist, idx = NearestNeighbors(n_neighbors=2, algorithm='brute', metric='euclidean', n_jobs=-1).fit(real).kneighbors(synth)
        times.append(time.perf_counter() - start)
    print(json.dumps({'seconds': min(times), 'first': [int(i) for i in idx[:5, 0]], 'sklearn': sklearn.__version__}))


if __name__ == '__main__':
    main()
