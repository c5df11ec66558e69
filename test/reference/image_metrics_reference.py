#!/usr/bin/python3
"""Reference values for the image metrics in src/core/metrics/image, computed independently of the
TypeScript code: FID with scipy.linalg.sqrtm (the pytorch-fid form), PRDC written from Naeem et al.
2020 (as the authors' prdc package) on sklearn.metrics.pairwise_distances, MMD written from Gretton
et al. 2012 with sklearn's rbf_kernel and scipy's pdist median, DCR/NNDR with sklearn NearestNeighbors,
SSIM with skimage.metrics.structural_similarity, MS-SSIM written from Wang, Simoncelli & Bovik 2003
with scipy.signal.correlate2d, and the diversity pairs from their documented definition (each pair's
MS-SSIM kept in pair order).

Writes test/fixtures/metrics/image/image_metrics.json (inputs included: features as lists of
float32-exact numbers, images as base64 uint8).

Run: /usr/bin/python3 test/reference/image_metrics_reference.py
"""
import base64
import json
import os

import numpy as np
import scipy.linalg
from scipy.signal import correlate2d
from scipy.spatial.distance import pdist
from skimage.metrics import structural_similarity
from sklearn.metrics import pairwise_distances
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.neighbors import NearestNeighbors

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'metrics', 'image', 'image_metrics.json')


def f32(x):
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def fid_sqrtm(a, b):
    mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = covmean.real
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def prdc(real, fake, k):
    def kth(x):
        d = pairwise_distances(x, x, metric='euclidean')
        return np.sort(d, axis=1)[:, k]  # k-th neighbour, the point itself (0) at position 0
    rr, ff = kth(real), kth(fake)
    d = pairwise_distances(real, fake, metric='euclidean')
    precision = (d < rr[:, None]).any(axis=0).mean()
    recall = (d < ff[None, :]).any(axis=1).mean()
    density = (1.0 / k) * (d < rr[:, None]).sum(axis=0).mean()
    coverage = (d.min(axis=1) < rr).mean()
    return {'precision': float(precision), 'recall': float(recall), 'density': float(density), 'coverage': float(coverage), 'k': k}


def mmd(real, fake, max_points=1000):
    pool = np.vstack([real, fake])
    n = len(pool)
    if n > max_points:
        pool = pool[[int(t * n // max_points) for t in range(max_points)]]
    sigma = float(np.median(pdist(pool, 'euclidean')))
    gamma = 1 / (2 * sigma * sigma)
    kxx, kyy, kxy = rbf_kernel(real, real, gamma=gamma), rbf_kernel(fake, fake, gamma=gamma), rbf_kernel(real, fake, gamma=gamma)
    m, q = len(real), len(fake)
    value = (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (q * (q - 1)) - 2 * kxy.mean()
    return {'mmd2': float(value), 'bandwidth': sigma}


def summary(v):
    return {'median': float(np.median(v)), 'p05': float(np.quantile(v, 0.05)), 'mean': float(np.mean(v))}


def dcr_nndr(real, synth, holdout):
    nn = NearestNeighbors(n_neighbors=2, metric='euclidean', algorithm='brute').fit(real)
    d, _ = nn.kneighbors(synth)
    dh, _ = nn.kneighbors(holdout)
    to_hold = NearestNeighbors(n_neighbors=1, metric='euclidean', algorithm='brute').fit(holdout).kneighbors(synth)[0][:, 0]
    d1 = d[:, 0]
    share = float(np.mean(np.where(d1 < to_hold, 1.0, np.where(d1 == to_hold, 0.5, 0.0))))
    top = max(d1.max(), dh[:, 0].max())
    edges = np.array([top * k / 20 for k in range(21)])
    counts = lambda v: np.bincount(np.clip(np.floor(v / top * 20).astype(int), 0, 19), minlength=20).tolist()
    ratio = lambda a: np.where(a[:, 1] == 0, 0.0, a[:, 0] / np.where(a[:, 1] == 0, 1, a[:, 1]))
    return {
        'dcr': {**summary(d1), 'shareCloserToTrain': share, 'baseline': {**summary(dh[:, 0]), 'rows': len(holdout)},
                'edges': edges.tolist(), 'counts': counts(d1), 'holdoutCounts': counts(dh[:, 0])},
        'nndr': {**summary(ratio(d)), 'baseline': {**summary(ratio(dh)), 'rows': len(holdout)}},
    }


def near_duplicates(real, synth):
    rr = NearestNeighbors(n_neighbors=2, metric='euclidean', algorithm='brute').fit(real).kneighbors(real)[0][:, 1]
    threshold = float(np.quantile(rr, 0.01))
    d = NearestNeighbors(n_neighbors=1, metric='euclidean', algorithm='brute').fit(real).kneighbors(synth)[0][:, 0]
    return {'threshold': threshold, 'nearDuplicates': int((d < threshold).sum())}


GAUSS = np.exp(-((np.arange(11) - 5.0) ** 2) / (2 * 1.5 ** 2))
WINDOW = np.outer(GAUSS, GAUSS) / np.outer(GAUSS, GAUSS).sum()
WEIGHTS = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])


def ms_ssim(x, y, data_range):
    """Wang, Simoncelli & Bovik 2003 as their reference code: valid Gaussian filtering, biased moments,
    cs at every scale and the SSIM mean at the last; 2x2 block means between scales (odd edge dropped);
    negative terms as 0; fewer scales (renormalised weights) for small images."""
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    scales, r, c = 0, *x.shape
    while scales < 5 and r >= 11 and c >= 11:
        scales, r, c = scales + 1, r // 2, c // 2
    w = WEIGHTS[:scales] / WEIGHTS[:scales].sum()
    out = 1.0
    for j in range(scales):
        f = lambda im: correlate2d(im, WINDOW, mode='valid')
        mx, my = f(x), f(y)
        vx, vy, vxy = f(x * x) - mx * mx, f(y * y) - my * my, f(x * y) - mx * my
        cs = (2 * vxy + c2) / (vx + vy + c2)
        term = cs.mean() if j < scales - 1 else (cs * (2 * mx * my + c1) / (mx * mx + my * my + c1)).mean()
        out *= max(0.0, term) ** w[j]
        if j < scales - 1:
            h, v = x.shape[0] // 2 * 2, x.shape[1] // 2 * 2
            x = x[:h, :v].reshape(h // 2, 2, v // 2, 2).mean(axis=(1, 3))
            y = y[:h, :v].reshape(h // 2, 2, v // 2, 2).mean(axis=(1, 3))
    return float(out)


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h


def pairs(n, seed, max_pairs=100):
    if n * (n - 1) // 2 <= max_pairs:
        return [[i, j] for i in range(n) for j in range(i + 1, n)]
    h = lambda c: fmix32((seed + c * 0x9E3779B9) & 0xFFFFFFFF)
    out = []
    for t in range(max_pairs):
        i = h(2 * t + 1) % n
        j = h(2 * t + 2) % (n - 1)
        out.append([i, j + 1 if j >= i else j])
    return out


def smooth_image(rng, rows, cols):
    """Blobs plus noise, as uint8: structure at several scales, so SSIM is neither 0 nor 1."""
    yy, xx = np.mgrid[0:rows, 0:cols]
    im = np.zeros((rows, cols))
    for _ in range(6):
        cy, cx, s = rng.uniform(0, rows), rng.uniform(0, cols), rng.uniform(4, rows / 3)
        im += rng.uniform(40, 120) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
    im += rng.normal(0, 12, (rows, cols))
    return np.clip(np.round(im), 0, 255).astype(np.uint8)


def encode(im):
    return {'rows': im.shape[0], 'columns': im.shape[1], 'base64': base64.b64encode(im.tobytes()).decode('ascii')}


def main():
    rng = np.random.default_rng(20260309)
    dims = 16
    mix = rng.normal(size=(dims, dims)) / 4
    real = f32(rng.normal(size=(80, dims)) @ (np.eye(dims) + mix))
    synth = f32(rng.normal(size=(70, dims)) @ (np.eye(dims) + mix) * 1.1 + 0.2)
    holdout = f32(rng.normal(size=(40, dims)) @ (np.eye(dims) + mix))
    # A synthetic set with 5 exact copies of real rows and 3 rows at 1e-3 from real rows.
    leaky = synth.copy()
    leaky[:5] = real[[3, 9, 27, 41, 60]]
    leaky[5:8] = f32(real[[11, 12, 13]] + 1e-3)
    constant = real.copy()
    constant[:, 0] = f32(1.5)
    features = {
        'dims': dims,
        'real': real.ravel().tolist(),
        'synth': synth.ravel().tolist(),
        'holdout': holdout.ravel().tolist(),
        'leaky': leaky.ravel().tolist(),
    }
    out = {
        'versions': {'numpy': np.__version__, 'scipy': scipy.__version__},
        'features': features,
        'fid': {'independent': fid_sqrtm(real, synth), 'leaky': fid_sqrtm(real, leaky), 'realHoldout': fid_sqrtm(real, holdout)},
        # Singular real covariances (the eigen path instead of the Cholesky one): fewer rows than dims,
        # and a constant feature (column 0 of real set to 1.5).
        'fidSingular': {'fewRows': fid_sqrtm(real[:10], synth[:12]), 'constantFeature': fid_sqrtm(constant, synth)},
        'prdc': {'independent': prdc(real, synth, 5), 'leaky': prdc(real, leaky, 5), 'k3': prdc(real, synth, 3)},
        'mmd': {'independent': mmd(real, synth), 'leaky': mmd(real, leaky), 'subsampled': mmd(real, synth, 100)},
        'privacy': dcr_nndr(real, synth, holdout),
        'nearDuplicates': {'leaky': near_duplicates(real, leaky), 'independent': near_duplicates(real, synth)},
    }
    noisy = lambda im, sd: np.clip(np.round(im + rng.normal(0, sd, im.shape)), 0, 255).astype(np.uint8)
    first = smooth_image(rng, 40, 52)
    images = [first, noisy(first, 15), smooth_image(rng, 40, 52)]
    big0 = smooth_image(rng, 180, 184)
    big = [big0, noisy(big0, 25)]
    small = [smooth_image(rng, 48, 48) for _ in range(13)]
    as_f = lambda im: im.astype(np.float64)
    out['images'] = {'ssim': [encode(im) for im in images], 'big': [encode(im) for im in big], 'small': [encode(im) for im in small]}
    out['ssim'] = [
        {'a': a, 'b': b, 'dataRange': dr, 'value': float(structural_similarity(as_f(images[a]), as_f(images[b]), data_range=dr))}
        for a, b, dr in ((0, 1, 255.0), (1, 2, 255.0), (0, 2, 100.0), (0, 0, 255.0))
    ]
    out['msssim'] = {
        'big': ms_ssim(as_f(big[0]), as_f(big[1]), 255.0),
        'bigSame': ms_ssim(as_f(big[0]), as_f(big[0]), 255.0),
        'small': ms_ssim(as_f(small[0]), as_f(small[1]), 255.0),
        'ssimSizedPair': ms_ssim(as_f(images[0]), as_f(images[1]), 255.0),
    }
    # diversity.msssim: synthetic = small[0:6] (15 pairs, all of them), real = small[6:13] (21 pairs).
    syn, rea = small[:6], small[6:]
    pair_values = lambda ims: [ms_ssim(as_f(ims[i]), as_f(ims[j]), 255.0) for i, j in pairs(len(ims), 0)]
    s_values, r_values = pair_values(syn), pair_values(rea)
    s_mean, r_mean = float(np.mean(s_values)), float(np.mean(r_values))
    out['diversity'] = {'synthetic': s_mean, 'real': r_mean, 'score': min(1.0, max(0.0, (1 - s_mean) / (1 - r_mean))), 'dataRange': 255.0,
                        'synthPairValues': s_values, 'realPairValues': r_values}
    out['pairs'] = {'n30seed7': pairs(30, 7), 'n5seed0': pairs(5, 0), 'n1000seed4294967295': pairs(1000, 4294967295)}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
