#!/usr/bin/python3
"""Reference values for image resampling (src/core/data/imageResample.ts) and the built-in PPCA image
generator (src/core/generators/ppca/), test/unit/images/imageResample.test.ts and
test/unit/generators/ppca*.test.ts.

Run with Debian's Python (numpy 1.24, scikit-image 0.19, scikit-learn 1.2, PIL, pydicom, nibabel):
    /usr/bin/python3 test/reference/ppca_reference.py          writes test/fixtures/generators/ppca/
    /usr/bin/python3 test/reference/ppca_reference.py bench    timing only: 1,000 frames of 128 x 128,
                                                               numpy and sklearn; writes /tmp/ppca_bench/

Resampling: skimage.transform.resize(image, shape, order=1, mode='edge', anti_aliasing=False,
preserve_range=True) on float64 frames (channels last). Images are read here independently of
MedSynth's readers: PNG with PIL (the rules of images_reference.py), DICOM with pydicom (pixel_array,
Bits Stored masking, apply_modality_lut), NIfTI with nibabel (get_fdata, row = y, column = x,
frame = z); each file's float32 values in MedSynth's order are hashed so the tests can check that the
readers gave the same input.

PPCA (Tipping & Bishop 1999, the closed-form maximum-likelihood solution): X (n frames x d values,
each frame resampled to the common size and flattened channel-first, c * rows * columns + r * columns
+ col), mean mu, sample covariance S = (X - mu)^T (X - mu) / n (divided by n, the ML estimate),
eigenvalues from numpy.linalg.svd of the centred data (lambda = s^2 / n), q = the smallest k whose
cumulative explained-variance ratio exceeds `varianceKept` (sklearn's rule for a float
n_components), capped at min(n - 1, d - 1, maxComponents) and at the numerical rank (eigenvalues above 1e-10 of the
largest), sigma^2 = (trace S - sum of the q kept
eigenvalues) / (d - q), W = U_q (Lambda_q - sigma^2 I)^(1/2), model covariance M = W W^T + sigma^2 I.
sklearn.decomposition.PCA(n_components=varianceKept, svd_solver='full') is run on the same X as a
cross-check of the mean, q and the eigenvalues (its explained_variance_ divides by n - 1, so it is
rescaled by (n - 1) / n); its noise_variance_ averages over min(n, d) - q discarded components,
not d - q, and is recorded for comparison only.

Each set's fixture holds q, sigma^2, the trace, the leading eigenvalues, the mean, diag(M) and the
rotation-invariant probe forms P M P^T for probes P[k, j] = cos(0.7 (k + 1) j + 0.3 k) (k < 4), plus
the whole M for the small synthetic sets. W itself is only defined up to rotation and sign.
"""
import hashlib
import json
import math
import os
import sys
import time
from collections import Counter

import nibabel as nib
import numpy as np
import pydicom
from PIL import Image
from pydicom.pixel_data_handlers.util import apply_modality_lut
from skimage.transform import resize
from sklearn.decomposition import PCA

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
FIX = os.path.join(ROOT, 'test', 'fixtures')
OUT = os.path.join(FIX, 'generators', 'ppca')
IMAGES = os.path.join(FIX, 'images')
PYDICOM = os.path.join(FIX, 'dicom', 'pydicom')
SYNTHETIC_DICOM = os.path.join(FIX, 'dicom', 'synthetic')


def g12(x):
    """Twelve significant digits keep the fixtures small; the tests compare to 1e-9 relative or looser."""
    return float('%.12g' % x)


def sha_f32(values):
    return hashlib.sha256(np.ascontiguousarray(values, dtype='<f4').tobytes()).hexdigest()


# ---- reading (independent of MedSynth's readers) ----

def read_png(path):
    """Frames (1, rows, columns, channels) as float32, the rules of images_reference.py png_entry."""
    im = Image.open(path)
    im.load()
    if im.mode == 'P':
        rgb = np.asarray(im.convert('RGB'))
        grey = np.all(rgb[..., 0] == rgb[..., 1]) and np.all(rgb[..., 1] == rgb[..., 2])
        arr = rgb[..., :1] if grey else rgb
    elif im.mode in ('1', 'L', 'I', 'I;16', 'I;16B'):
        arr = np.asarray(im).astype(np.float64)
        if im.mode == '1':
            arr = arr * 255.0
        arr = arr[..., None]
    elif im.mode == 'LA':
        arr = np.asarray(im)[..., :1]
    elif im.mode in ('RGB', 'RGBA'):
        arr = np.asarray(im)[..., :3]
    else:
        raise ValueError(f'{path}: mode {im.mode}')
    return arr.astype(np.float32)[None]


def read_dicom(path):
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array
    frames = int(getattr(ds, 'NumberOfFrames', 1) or 1)
    ba, bs = ds.BitsAllocated, ds.BitsStored
    hb = getattr(ds, 'HighBit', bs - 1)
    a = arr.astype(np.int64)
    if not (ba == 1 or (bs == ba and hb == bs - 1)):
        a = (a & ((1 << ba) - 1)) >> (hb + 1 - bs) & ((1 << bs) - 1)
        if ds.PixelRepresentation == 1:
            a = np.where(a >= (1 << (bs - 1)), a - (1 << bs), a)
    out = np.asarray(apply_modality_lut(a, ds), dtype=np.float64).astype(np.float32)
    return out.reshape(frames, ds.Rows, ds.Columns, 1)


def read_nifti(path):
    data = nib.load(path).get_fdata().astype(np.float32)  # (x, y, z)
    return np.transpose(data, (2, 1, 0))[..., None]  # (z, y, x, 1): frame, row, column


def read(path):
    if path.endswith('.png'):
        return read_png(path)
    if path.endswith('.dcm'):
        return read_dicom(path)
    return read_nifti(path)


# ---- the rules under test, written from their definitions ----

def common_size(shapes, cap):
    """shapes: (frames, rows, columns) per volume. Most frames, then larger area, then more rows."""
    counts = Counter()
    for f, r, c in shapes:
        counts[(r, c)] += f
    (rows, cols), _ = min(counts.items(), key=lambda kv: (-kv[1], -kv[0][0] * kv[0][1], -kv[0][0]))
    longest = max(rows, cols)
    if longest <= cap:
        return rows, cols
    side = lambda v: cap if v == longest else max(1, math.floor(v * cap / longest + 0.5))
    return side(rows), side(cols)


def sk_resize(frame, rows, cols):
    """frame: (rows, columns, channels) float64."""
    return resize(frame, (rows, cols, frame.shape[2]), order=1, mode='edge', anti_aliasing=False, preserve_range=True)


def probes(d):
    k = np.arange(4)[:, None]
    j = np.arange(d)[None, :]
    return np.cos(0.7 * (k + 1) * j + 0.3 * k)


def ppca(X, variance_kept, max_components):
    n, d = X.shape
    mu = X.mean(axis=0)
    Xc = X - mu
    s = np.linalg.svd(Xc, compute_uv=False)
    lam = s ** 2 / n
    _, _, vt = np.linalg.svd(Xc, full_matrices=False)
    trace = float((Xc ** 2).sum() / n)
    ratio = np.cumsum(lam) / trace
    q = int(np.searchsorted(ratio, variance_kept, side='right')) + 1
    rank = int(np.sum(lam > 1e-10 * lam[0]))
    q = max(1, min(q, n - 1, d - 1, max_components, rank))
    sigma2 = max(0.0, (trace - float(lam[:q].sum())) / (d - q))
    W = vt[:q].T * np.sqrt(np.maximum(lam[:q] - sigma2, 0.0))
    M = W @ W.T + sigma2 * np.eye(d)
    return mu, lam, trace, q, sigma2, W, M


def sklearn_check(X, variance_kept, q_capped, lam, mu):
    n = X.shape[0]
    pca = PCA(n_components=variance_kept, svd_solver='full').fit(X)
    assert np.allclose(pca.mean_, mu, rtol=1e-12, atol=1e-9 * max(1.0, float(np.abs(mu).max())))
    k = min(pca.n_components_, q_capped)
    ev = pca.explained_variance_[:k] * (n - 1) / n
    assert np.allclose(ev, lam[:k], rtol=1e-9, atol=1e-12 * float(lam[0])), (ev, lam[:k])
    return {'nComponents': int(pca.n_components_), 'noiseVariance': g12(float(pca.noise_variance_))}


def training_matrix(volumes, cap):
    """volumes: arrays (frames, rows, columns, channels). X rows = resampled frames, channel-first."""
    rows, cols = common_size([v.shape[:3] for v in volumes], cap)
    out = []
    for v in volumes:
        for f in v:
            r = f.astype(np.float64)
            if f.shape[:2] != (rows, cols):
                r = sk_resize(r, rows, cols)
            out.append(np.transpose(r, (2, 0, 1)).ravel())
    return np.array(out), rows, cols


def ppca_entry(name, volumes, cap, variance_kept=0.95, max_components=256, files=None, full=False, source=None):
    X, rows, cols = training_matrix(volumes, cap)
    n, d = X.shape
    mu, lam, trace, q, sigma2, W, M = ppca(X, variance_kept, max_components)
    sk = sklearn_check(X, variance_kept, q, lam, mu)
    P = probes(d)
    vmin = min(float(v.min()) for v in volumes)
    vmax = max(float(v.max()) for v in volumes)
    e = {
        'name': name,
        'sizeCap': cap, 'varianceKept': variance_kept, 'maxComponents': max_components,
        'rows': rows, 'columns': cols, 'channels': int(volumes[0].shape[3]),
        'n': n, 'd': d, 'form': 'gram' if n <= d else 'covariance',
        'q': q, 'sigma2': g12(sigma2), 'trace': g12(trace),
        'explained': g12(float(lam[:q].sum()) / trace),
        'eigenvalues': [g12(x) for x in lam[:min(len(lam), 40)]],
        'valueRange': [vmin, vmax],
        'mean': [g12(x) for x in mu],
        'modelDiagonal': [g12(x) for x in np.diag(M)],
        'probeForms': [[g12(x) for x in row] for row in (P @ M @ P.T)],
        'sklearn': sk,
    }
    if files is not None:
        e['files'] = [{'file': f, 'sha256': sha_f32(v)} for f, v in zip(files, volumes)]
    if source is not None:
        e['source'] = source
    if full:
        e['modelCovariance'] = [g12(x) for x in M.ravel()]
    return e


# ---- fixtures ----

def rel(path):
    return os.path.relpath(path, ROOT).replace(os.sep, '/')


def resample_cases():
    rng = np.random.default_rng(20240611)
    cases = []

    def case(label, frame, rows, cols, source=None, store_input=False):
        out = sk_resize(frame.astype(np.float64), rows, cols)
        c = {'label': label, 'rows': frame.shape[0], 'columns': frame.shape[1], 'channels': frame.shape[2],
             'outRows': rows, 'outColumns': cols, 'expected': [g12(x) for x in out.ravel()]}
        if source:
            c['source'] = source
            c['sha256'] = sha_f32(frame)
        if store_input:
            c['input'] = [float(x) for x in frame.astype(np.float32).ravel()]
        cases.append(c)

    camera = read_png(os.path.join(IMAGES, 'camera.png'))[0]
    case('camera.png 512x512 -> 19x23 (down, non-integer)', camera, 19, 23, 'images/camera.png')
    gray2 = read_png(os.path.join(IMAGES, 'gray2.png'))[0]
    case('gray2.png 5x9 -> 12x20 (up)', gray2, 12, 20, 'images/gray2.png')
    case('gray2.png 5x9 -> 5x9 (same size)', gray2, 5, 9, 'images/gray2.png')
    palette = read_png(os.path.join(IMAGES, 'palette_color.png'))[0]
    case('palette_color.png 10x10 RGB -> 7x13', palette, 7, 13, 'images/palette_color.png')
    adam7 = read_png(os.path.join(IMAGES, 'rgb_adam7.png'))[0]
    case('rgb_adam7.png 21x19 RGB -> 30x8', adam7, 30, 8, 'images/rgb_adam7.png')
    ct = read_dicom(os.path.join(PYDICOM, 'CT_small.dcm'))[0]
    case('CT_small.dcm 128x128 HU -> 24x20', ct, 24, 20, 'dicom/pydicom/CT_small.dcm')
    small = (rng.normal(size=(7, 5, 1)) * 100).astype(np.float32)
    case('seeded 7x5 -> 1x1', small, 1, 1, store_input=True)
    case('seeded 7x5 -> 3x11', small, 3, 11, store_input=True)
    case('seeded 7x5 -> 16x9', small, 16, 9, store_input=True)
    line = (rng.normal(size=(1, 6, 3)) * 10).astype(np.float32)
    case('seeded 1x6 RGB -> 4x3', line, 4, 3, store_input=True)
    return cases


def synthetic_lowrank(rng, n, rows, cols, channels, rank, noise):
    d = rows * cols * channels
    mu = rng.normal(size=d) * 20 + 100
    basis = rng.normal(size=(d, rank)) * np.linspace(30, 10, rank)
    z = rng.normal(size=(n, rank))
    X = mu + z @ basis.T + rng.normal(size=(n, d)) * noise
    # MedSynth order: (row, column, channel) interleaved; the PPCA vector is channel-first.
    chw = X.reshape(n, channels, rows, cols)
    return np.transpose(chw, (0, 2, 3, 1)).astype(np.float32)  # (n, rows, cols, channels)


def write_f32(name, arr):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(np.ascontiguousarray(arr, dtype='<f4').tobytes())


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'resample.json'), 'w') as f:
        f.write('{"convention": "skimage.transform.resize(order=1, mode=\'edge\', anti_aliasing=False, preserve_range=True)",\n')
        f.write(' "cases": [\n' + ',\n'.join(json.dumps(c) for c in resample_cases()) + '\n]}')
        f.write('\n')

    rng = np.random.default_rng(8)
    sets = []
    grey = ['camera.png', 'chessboard_GRAY.png', 'microaneurysms.png', 'palette_gray.png', 'checker_bilevel.png', 'gray_alpha.png']
    vols = [read_png(os.path.join(IMAGES, f)) for f in grey]
    sets.append(ppca_entry('grey PNGs of six sizes', vols, 24, files=['images/' + f for f in grey]))
    colour = ['palette_color.png', 'rgba.png', 'rgb_adam7.png', 'green_palette.png', 'foo3x5x4indexed.png']
    vols = [read_png(os.path.join(IMAGES, f)) for f in colour]
    sets.append(ppca_entry('RGB PNGs of five sizes', vols, 16, files=['images/' + f for f in colour]))
    anat = [read_nifti(os.path.join(IMAGES, 'anatomical.nii'))]
    sets.append(ppca_entry('anatomical.nii, 25 slices', anat, 24, files=['images/anatomical.nii']))
    sets.append(ppca_entry('anatomical.nii, 25 slices, 80% variance', anat, 24, variance_kept=0.8, files=['images/anatomical.nii']))
    dose = [read_dicom(os.path.join(PYDICOM, 'rtdose.dcm'))]
    sets.append(ppca_entry('rtdose.dcm, 15 frames', dose, 128, files=['dicom/pydicom/rtdose.dcm']))
    ct = ['s_a.dcm', 's_b.dcm', 's_c.dcm']
    vols = [read_dicom(os.path.join(SYNTHETIC_DICOM, f)) for f in ct]
    sets.append(ppca_entry('CT series s_a/s_b/s_c', vols, 128, files=['dicom/synthetic/' + f for f in ct], full=True))

    cov = synthetic_lowrank(rng, 80, 5, 5, 1, 3, 2.0)
    write_f32('lowrank_5x5x80.f32', cov)
    sets.append(ppca_entry('seeded rank-3 5x5, 80 frames', [cov[i:i + 1] for i in range(80)], 128, full=True, source='lowrank_5x5x80.f32'))
    sets.append(ppca_entry('seeded rank-3 5x5, 80 frames, maxComponents 1', [cov[i:i + 1] for i in range(80)], 128,
                           max_components=1, full=True, source='lowrank_5x5x80.f32'))
    gram = synthetic_lowrank(rng, 12, 4, 6, 3, 4, 1.0)
    write_f32('lowrank_rgb_4x6x12.f32', gram)
    sets.append(ppca_entry('seeded rank-4 RGB 4x6, 12 frames', [gram[i:i + 1] for i in range(12)], 128,
                           source='lowrank_rgb_4x6x12.f32'))
    consts = np.stack([np.full((3, 3, 1), v, dtype=np.float32) for v in (0, 1, 2, 5)])
    sets.append(ppca_entry('constant 3x3 frames 0, 1, 2, 5', [consts[i:i + 1] for i in range(4)], 128, full=True,
                           source='constant 3x3 frames of 0, 1, 2 and 5'))
    with open(os.path.join(OUT, 'ppca.json'), 'w') as f:
        # One set per line: the arrays would make an indented file several times larger.
        f.write('{"probe": "P[k, j] = cos(0.7 (k + 1) j + 0.3 k), k < 4", "sets": [\n')
        f.write(',\n'.join(json.dumps(s) for s in sets))
        f.write('\n]}')
        f.write('\n')


# ---- timing (not a fixture) ----

def bench():
    out = '/tmp/ppca_bench'
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1000)
    sources = [read_png(os.path.join(IMAGES, f))[0, :, :, 0].astype(np.float64) for f in ('camera.png', 'chessboard_GRAY.png')]
    rocket = np.asarray(Image.open(os.path.join(IMAGES, 'rocket.jpg')).convert('L'), dtype=np.float64)
    sources.append(rocket)
    frames = np.empty((1000, 128, 128), dtype=np.float32)
    for i in range(1000):
        src = sources[i % len(sources)]
        r = rng.integers(0, src.shape[0] - 128 + 1)
        c = rng.integers(0, src.shape[1] - 128 + 1)
        frames[i] = src[r:r + 128, c:c + 128] + rng.normal(size=(128, 128)) * 4
    frames.tofile(os.path.join(out, 'frames.f32'))
    X = frames.reshape(1000, -1).astype(np.float64)
    n, d = X.shape
    t0 = time.perf_counter()
    mu = X.mean(axis=0)
    Xc = X - mu
    G = Xc @ Xc.T / n
    lam, V = np.linalg.eigh(G)
    lam, V = lam[::-1], V[:, ::-1]
    trace = float((Xc ** 2).sum() / n)
    q = min(int(np.searchsorted(np.cumsum(lam) / trace, 0.95, side='right')) + 1, n - 1, d - 1, 256)
    U = Xc.T @ (V[:, :q] / np.sqrt(n * np.maximum(lam[:q], 1e-300)))
    sigma2 = (trace - lam[:q].sum()) / (d - q)
    W = U * np.sqrt(np.maximum(lam[:q] - sigma2, 0))
    t_numpy = time.perf_counter() - t0
    t0 = time.perf_counter()
    pca = PCA(n_components=0.95, svd_solver='full').fit(X)
    t_sklearn = time.perf_counter() - t0
    res = {'n': n, 'd': d, 'q': q, 'sigma2': sigma2, 'trace': trace, 'eigenvalues': lam[:10].tolist(),
           'numpyGramSeconds': t_numpy, 'sklearnFullSeconds': t_sklearn, 'sklearnComponents': int(pca.n_components_),
           'Wshape': list(W.shape)}
    with open(os.path.join(out, 'reference.json'), 'w') as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res, indent=1))


if __name__ == '__main__':
    if sys.argv[1:] == ['bench']:
        bench()
    else:
        main()
