#!/usr/bin/python3
"""Reference side of bench/images.ts: numpy / scipy / scikit-learn / pydicom+gdcm on the same inputs.

  prepare <dir>          writes the seeded inputs into <dir>: ppca.f32 (1,000 images of 128x128, float32,
                         low-rank structure + noise), fid_real.f32 / fid_synth.f32 (10,000 x 2,048
                         float32 features each) and dicom/<case>.dcm, one 512x512 12-bit image per transfer
                         syntax (pydicom writes explicit VR LE; dcmtk's dcmconv/dcmcrle/dcmcjpeg/dcmcjpls
                         re-encode it); prints one JSON line describing them.
  dicom <dir> <reps>     pydicom 2.3 (+ gdcm for the compressed syntaxes) decoding each file to float32
                         modality values (pixel_array + apply_modality_lut): medians in ms, in memory and
                         including the file read; the sum of the values for agreement.
  ppca <dir> <reps>      numpy: centre, Gram X Xᵀ / n, numpy.linalg.eigh (the closed form MedSynth uses);
                         scikit-learn PCA(n_components=0.95, svd_solver='full').fit; medians in s.
  fid <dir> <reps>       the pytorch-fid formula: numpy.cov, scipy.linalg.sqrtm(Σr Σs), traces; medians in s.

Usage: /usr/bin/python3 bench/images.py prepare <dir>   (then dicom / ppca / fid with <dir> <reps>)
"""
import io
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np

PPCA_N, PPCA_SIDE = 1000, 128
FID_ROWS, FID_DIMS = 10_000, 2048
DICOM_SIDE = 512
# case -> (dcmtk command making it from the explicit VR LE file, transfer syntax UID)
DICOM_CASES = {
    'explicit_le': (None, '1.2.840.10008.1.2.1'),
    'implicit_le': (['dcmconv', '+ti'], '1.2.840.10008.1.2'),
    'explicit_be': (['dcmconv', '+tb'], '1.2.840.10008.1.2.2'),
    'deflated': (['dcmconv', '+td'], '1.2.840.10008.1.2.1.99'),
    'rle': (['dcmcrle'], '1.2.840.10008.1.2.5'),
    'jpeg_lossless_sv1': (['dcmcjpeg', '+e1'], '1.2.840.10008.1.2.4.70'),
    'jpeg_extended_12bit': (['dcmcjpeg', '+ee'], '1.2.840.10008.1.2.4.51'),
    'jpeg_ls_lossless': (['dcmcjpls', '+el'], '1.2.840.10008.1.2.4.80'),
    'jpeg_baseline_8bit': (['dcmcjpeg', '+eb'], '1.2.840.10008.1.2.4.50'),
}
# Made from the 8-bit copy of the image (baseline JPEG holds 8-bit samples only).
EIGHT_BIT = {'jpeg_baseline_8bit'}


def median_time(fn, reps, cpu=None):
    """Median wall seconds of `reps` runs after one warm-up; appends each run's CPU seconds (all threads) to `cpu`."""
    fn()
    times = []
    out = None
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        if cpu is not None:
            cpu.append(time.process_time() - c)
    return statistics.median(times), out


# ---------------------------------------------------------------- inputs
def smooth_basis(rng, k, side):
    yy, xx = np.mgrid[0:side, 0:side] / side
    basis = []
    for _ in range(k):
        fx, fy, px, py = rng.uniform(0.5, 6), rng.uniform(0.5, 6), rng.uniform(0, 2 * np.pi), rng.uniform(0, 2 * np.pi)
        basis.append((np.sin(2 * np.pi * fx * xx + px) * np.cos(2 * np.pi * fy * yy + py)).ravel())
    return np.array(basis)


def write_ppca(path, rng):
    d = PPCA_SIDE * PPCA_SIDE
    basis = smooth_basis(rng, 60, PPCA_SIDE)
    scales = 200.0 / (1 + np.arange(60)) ** 0.8
    coef = rng.normal(size=(PPCA_N, 60)) * scales
    yy, xx = np.mgrid[0:PPCA_SIDE, 0:PPCA_SIDE] / PPCA_SIDE
    mean = (600 * np.exp(-8 * ((xx - 0.5) ** 2 + (yy - 0.5) ** 2))).ravel()
    x = mean + coef @ basis + rng.normal(0, 20, size=(PPCA_N, d))
    x.astype(np.float32).tofile(path)
    return {'n': PPCA_N, 'rows': PPCA_SIDE, 'columns': PPCA_SIDE}


def write_fid(dir, rng):
    # Embedder-like features: non-negative (ReLU of correlated Gaussians), the synthetic set a little off.
    mix = rng.normal(size=(256, FID_DIMS)) / 16
    for name, shift in (('fid_real.f32', 0.0), ('fid_synth.f32', 0.05)):
        z = rng.normal(size=(FID_ROWS, 256))
        f = np.maximum(z @ mix + rng.normal(0, 0.3, size=(FID_ROWS, FID_DIMS)) + 0.2 + shift, 0)
        f.astype(np.float32).tofile(os.path.join(dir, name))
    return {'rows': FID_ROWS, 'dims': FID_DIMS}


def write_dicom(dir, rng):
    import pydicom
    from pydicom.uid import ExplicitVRLittleEndian
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    ds = pydicom.dcmread(os.path.join(root, 'test', 'fixtures', 'dicom', 'pydicom', 'CT_small.dcm'))
    yy, xx = np.mgrid[0:DICOM_SIDE, 0:DICOM_SIDE] / DICOM_SIDE
    body = 1500 * np.exp(-6 * ((xx - 0.5) ** 2 + 1.5 * (yy - 0.5) ** 2)) + 300 * np.sin(40 * xx) * (xx > 0.3)
    img = np.clip(body + 500 + rng.normal(0, 20, body.shape), 0, 4095).astype(np.uint16)
    ds.Rows = ds.Columns = DICOM_SIDE
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.PixelData = img.tobytes()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.is_little_endian, ds.is_implicit_VR = True, False
    folder = os.path.join(dir, 'dicom')
    os.makedirs(folder, exist_ok=True)
    base = os.path.join(folder, 'explicit_le.dcm')
    ds.save_as(base, write_like_original=False)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    ds.PixelData = (img >> 4).astype(np.uint8).tobytes()
    base8 = os.path.join(dir, 'explicit_le_8bit.dcm')
    ds.save_as(base8, write_like_original=False)
    made = {}
    for case, (cmd, uid) in DICOM_CASES.items():
        path = os.path.join(folder, f'{case}.dcm')
        if cmd is not None:
            subprocess.run([*cmd, base8 if case in EIGHT_BIT else base, path], check=True, capture_output=True)
        got = str(pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID)
        assert got == uid, (case, got, uid)
        made[case] = {'uid': uid, 'bytes': os.path.getsize(path)}
    return made


def prepare(dir):
    rng = np.random.default_rng(20261202)
    os.makedirs(dir, exist_ok=True)
    out = {'ppca': write_ppca(os.path.join(dir, 'ppca.f32'), rng), 'fid': write_fid(dir, rng), 'dicom': write_dicom(dir, rng)}
    print(json.dumps(out))


# ---------------------------------------------------------------- references
def versions():
    import platform
    v = {'python': platform.python_version(), 'numpy': np.__version__}
    for mod in ('scipy', 'sklearn', 'pydicom'):
        try:
            v[mod] = __import__(mod).__version__
        except ImportError:
            v[mod] = 'missing'
    try:
        import gdcm  # noqa: F401
        v['gdcm'] = gdcm.Version.GetVersion()
    except ImportError:
        v['gdcm'] = 'missing'
    return v


def dicom(dir, reps):
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_modality_lut
    cases = {}
    for case in DICOM_CASES:
        path = os.path.join(dir, 'dicom', f'{case}.dcm')
        with open(path, 'rb') as f:
            data = f.read()

        def decode(ds):
            return apply_modality_lut(ds.pixel_array, ds).astype(np.float32)

        mem, out = median_time(lambda: decode(pydicom.dcmread(io.BytesIO(data))), reps)
        file, _ = median_time(lambda: decode(pydicom.dcmread(path)), reps)
        cases[case] = {'memMs': mem * 1000, 'fileMs': file * 1000, 'count': int(out.size), 'sum': float(out.astype(np.float64).sum())}
    print(json.dumps({'versions': versions(), 'cases': cases}))


def ppca(dir, reps):
    from sklearn.decomposition import PCA
    x = np.fromfile(os.path.join(dir, 'ppca.f32'), dtype=np.float32).reshape(PPCA_N, -1).astype(np.float64)

    def gram():
        c = x - x.mean(axis=0)
        g = c @ c.T / x.shape[0]
        return np.linalg.eigh(g)[0][::-1]

    numpy_cpu, sk_cpu = [], []
    numpy_s, values = median_time(gram, reps, numpy_cpu)
    sk_s, pca = median_time(lambda: PCA(n_components=0.95, svd_solver='full').fit(x), max(1, reps // 2), sk_cpu)
    print(json.dumps({
        'versions': versions(),
        'numpyS': numpy_s,
        'numpyCpuS': statistics.median(numpy_cpu),
        'sklearnS': sk_s,
        'sklearnCpuS': statistics.median(sk_cpu),
        'eigenvalues': values[:300].tolist(),
        'trace': float(((x - x.mean(axis=0)) ** 2).sum() / x.shape[0]),
        'sklearnComponents': int(pca.n_components_),
    }))


def fid(dir, reps):
    from scipy import linalg
    real = np.fromfile(os.path.join(dir, 'fid_real.f32'), dtype=np.float32).reshape(FID_ROWS, FID_DIMS)
    synth = np.fromfile(os.path.join(dir, 'fid_synth.f32'), dtype=np.float32).reshape(FID_ROWS, FID_DIMS)
    parts = {}

    def run():
        t = time.perf_counter()
        mu1, mu2 = real.mean(axis=0, dtype=np.float64), synth.mean(axis=0, dtype=np.float64)
        s1, s2 = np.cov(real.astype(np.float64), rowvar=False), np.cov(synth.astype(np.float64), rowvar=False)
        parts['covS'] = time.perf_counter() - t
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
        covmean = covmean.real
        parts['sqrtmS'] = time.perf_counter() - t
        diff = mu1 - mu2
        return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))

    cpu = []
    seconds, value = median_time(run, reps, cpu)
    print(json.dumps({'versions': versions(), 'scipyS': seconds, 'cpuS': statistics.median(cpu), 'fid': value, **parts}))


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'prepare':
        prepare(sys.argv[2])
    else:
        {'dicom': dicom, 'ppca': ppca, 'fid': fid}[cmd](sys.argv[2], int(sys.argv[3]))
