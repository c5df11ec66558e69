"""Timings: numpy.linalg.eigh vs MedSynth's eigh (n = 256, 512, 1024, 2048) and FID with
scipy.linalg.sqrtm vs MedSynth's fidelity.fid on 10,000 x 2,048 random features, in one run on the
same data. A measurement, never a test assertion; prints a table.

    /usr/bin/python3 test/reference/image_timing.py [max_n] [fid_rows]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.linalg

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def node(*args):
    out = subprocess.run(['node', '--import', 'tsx', os.path.join(ROOT, 'test', 'reference', 'imageTiming.ts'), *args],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    max_n = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
    fid_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        for n in (256, 512, 1024, 2048):
            if n > max_n:
                break
            x = rng.normal(size=(n, n))
            a = (x + x.T) / 2
            path = os.path.join(tmp, 'm.f64')
            a.astype('<f8').tofile(path)
            t0 = time.perf_counter()
            w = np.linalg.eigh(a)[0]
            numpy_ms = (time.perf_counter() - t0) * 1000
            ours = node('eigh', path, str(n))
            print(f'eigh n={n}: numpy {numpy_ms:.0f} ms, medsynth {ours["ms"]:.0f} ms '
                  f'(largest eigenvalue {w[-1]:.12g} vs {ours["top"]:.12g})', flush=True)
        if fid_rows > 0:
            dims = 2048
            real = rng.normal(size=(fid_rows, dims)).astype(np.float32)
            synth = (rng.normal(size=(fid_rows, dims)) * 1.05 + 0.01).astype(np.float32)
            real.tofile(os.path.join(tmp, 'r.f32'))
            synth.tofile(os.path.join(tmp, 's.f32'))
            t0 = time.perf_counter()
            a, b = real.astype(np.float64), synth.astype(np.float64)
            mu1, mu2, s1, s2 = a.mean(0), b.mean(0), np.cov(a, rowvar=False), np.cov(b, rowvar=False)
            covmean = scipy.linalg.sqrtm(s1.dot(s2), disp=False)[0].real
            fid = float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))
            scipy_ms = (time.perf_counter() - t0) * 1000
            ours = node('fid', os.path.join(tmp, 'r.f32'), os.path.join(tmp, 's.f32'), str(fid_rows), str(dims))
            print(f'FID {fid_rows} x {dims}: scipy {scipy_ms:.0f} ms (fid {fid:.10g}), medsynth {ours["ms"]:.0f} ms '
                  f'(fid {ours["fid"]:.10g}, relative difference {abs(ours["fid"] - fid) / fid:.2e})', flush=True)


if __name__ == '__main__':
    main()
