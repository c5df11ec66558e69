#!/usr/bin/python3
"""Reference for privacy.membershipDensity (src/core/metrics/membershipDensity.ts, kde.ts) and
privacy.dcrBaselineProtection / privacy.dcrOverfittingProtection (dcrBaselineProtection.ts,
dcrOverfittingProtection.ts), written here from the definitions and independently of the TypeScript.
Writes test/fixtures/reference/density_protection.json.

Density attack (DOMIAS, van Breugel et al. 2023): features in pandas/numpy: numeric and datetime columns
(dates as ms since the epoch) standardised by the real column's mean and population standard deviation,
missing cells set to 0 (the real mean); categorical and boolean columns one-hot over the real table's
labels in first-seen order (booleans: false, true), plus a label '(empty)' when any of the three tables
has an empty cell there, the first label dropped; a label the real table lacks gets no dummy. The split is
drawn here with numpy (default_rng(seed).permutation of the holdout rows; the first half fit the reference
density, the rest are non-members) and written into the fixture. Features are kept greedily in order
while numpy.linalg.matrix_rank of the covariance of the kept ones grows, first on the synthetic rows, then
on the reference rows. Densities: scipy.stats.gaussian_kde(X.T) (Scott's rule) .logpdf; score =
logpdf_synth - logpdf_ref; AUC = sklearn roc_auc_score(members 1 / non-members 0, score); TPR at FPR:
roc_curve(drop_intermediate=False), the TPR of the last point with FPR <= level.

DCR protections: the distance brute force in numpy over all pairs: the mean over numeric, datetime,
categorical and boolean columns of |a - b| / (max - min of the real column's values; 0 for a zero range),
0/1 for labels by text, 0 for two empty cells and 1 for one. Baseline rows are drawn here (numpy
default_rng: numbers uniform within the real range, dates uniform whole days in the range, labels
uniform over the real labels, empty with the real column's share) and written into the fixture; score =
min(1, median DCR synthetic / median DCR random). Overfitting: share p of synthetic rows with DCR to
training < DCR to holdout (strict), its size-balanced form pb = p*h / (p*h + (1-p)*t), score =
min(1, 2*(1 - pb)); `nearTies` counts rows whose two distances differ by less than 1e-6 (float32 sums may
order those either way).
"""
import json
import os

import numpy as np
import pandas as pd
from scipy.stats import gaussian_kde
from sklearn.metrics import roc_auc_score, roc_curve

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REF = os.path.join(ROOT, 'test', 'fixtures', 'reference')
OUT = os.path.join(REF, 'density_protection.json')
DAY_MS = 86_400_000
LEVELS = [0.01, 0.1]
NUMBER = ('numeric', 'datetime')
CATEGORY = ('categorical', 'boolean')


def load(file, types):
    df = pd.read_csv(os.path.join(REF, file), dtype=str, keep_default_na=False)
    return df, {c: types.get(c, 'numeric') for c in df.columns}


def numbers(cells, kind):
    if kind == 'datetime':
        return np.array([np.nan if c == '' else pd.Timestamp(c, tz='UTC').value // 10**6 for c in cells], dtype=float)
    return np.array([np.nan if c == '' else float(c) for c in cells], dtype=float)


def labels_of(cells, kind):
    seen = ['false', 'true'] if kind == 'boolean' else []
    for c in cells:
        if c != '' and c not in seen:
            seen.append(c)
    return seen


def encode(real, kinds, others):
    """Feature names and a function table -> matrix, from the real table (and emptiness in all tables)."""
    names, parts = [], []
    for col, kind in kinds.items():
        if kind in NUMBER:
            x = numbers(real[col], kind)
            present = x[~np.isnan(x)]
            mean = present.mean() if len(present) else 0.0
            sd = present.std() if len(present) else 0.0
            sd = sd if sd > 0 else 1.0
            names.append(col)
            parts.append(lambda df, col=col, kind=kind, mean=mean, sd=sd: np.nan_to_num((numbers(df[col], kind) - mean) / sd, nan=0.0)[:, None])
        elif kind in CATEGORY:
            labels = labels_of(real[col], kind)
            if any((t[col] == '').any() for t in [real, *others]):
                labels.append('(empty)')
            names += [f'{col}={l}' for l in labels[1:]]
            parts.append(lambda df, col=col, labels=labels: np.array(
                [[1.0 if (c if c != '' else '(empty)') == l else 0.0 for l in labels[1:]] for c in df[col]]).reshape(len(df), len(labels) - 1))
    return names, lambda df: np.hstack([p(df) for p in parts])


def greedy_keep(X, candidates):
    kept = []
    for f in candidates:
        trial = kept + [f]
        cov = np.atleast_2d(np.cov(X[:, trial], rowvar=False))
        if np.linalg.matrix_rank(cov) == len(trial):
            kept = trial
    return kept


def tpr_at(y, s, level):
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    return float(tpr[fpr <= level].max())


def density_case(name, real_file, holdout_file, synth_file, types_file, seed, synth_is_real=False):
    types = json.load(open(os.path.join(REF, types_file))) if types_file else {}
    real, kinds = load(real_file, types)
    holdout, _ = load(holdout_file, types)
    synth, _ = load(real_file if synth_is_real else synth_file, types)
    names, enc = encode(real, kinds, [holdout, synth])
    perm = np.random.default_rng(seed).permutation(len(holdout))
    half = len(holdout) // 2
    reference = sorted(int(i) for i in perm[:half])
    non_members = sorted(int(i) for i in perm[half:])
    members = list(range(len(real)))
    S = enc(synth)
    R = enc(holdout.iloc[reference])
    kept = greedy_keep(S, list(range(len(names))))
    kept = greedy_keep(R, kept)
    kde_s = gaussian_kde(S[:, kept].T)
    kde_r = gaussian_kde(R[:, kept].T)
    M = enc(real.iloc[members])[:, kept]
    N = enc(holdout.iloc[non_members])[:, kept]
    sm = kde_s.logpdf(M.T) - kde_r.logpdf(M.T)
    sn = kde_s.logpdf(N.T) - kde_r.logpdf(N.T)
    y = np.r_[np.ones(len(sm)), np.zeros(len(sn))]
    s = np.r_[sm, sn]
    auc = float(roc_auc_score(y, s))
    order = np.sort(s)
    return {
        'name': name, 'real': real_file, 'holdout': holdout_file, 'synth': real_file if synth_is_real else synth_file, 'types': types_file,
        'split': {'members': members, 'nonMembers': non_members, 'reference': reference, 'synthRows': list(range(len(synth)))},
        'features': [names[i] for i in kept], 'droppedFeatures': [n for i, n in enumerate(names) if i not in kept],
        'factorSynth': float(kde_s.factor), 'factorRef': float(kde_r.factor),
        'memberScores': sm.tolist(), 'nonMemberScores': sn.tolist(),
        'auc': auc, 'score': 1 - 2 * max(0.0, auc - 0.5), 'tprAtFpr': {str(l): tpr_at(y, s, l) for l in LEVELS},
        'minGap': float(np.diff(order).min()),
    }


def distance_matrix(q, r, kinds, real):
    total = np.zeros((len(q), len(r)))
    used = 0
    for col, kind in kinds.items():
        if kind in NUMBER:
            xr = numbers(real[col], kind)
            present = xr[~np.isnan(xr)]
            rng = present.max() - present.min() if len(present) else 0.0
            a = numbers(q[col], kind)[:, None]
            b = numbers(r[col], kind)[None, :]
            term = np.abs(a - b) / rng if rng > 0 else np.zeros((len(q), len(r)))
            ea, eb = np.isnan(a), np.isnan(b)
        elif kind in CATEGORY:
            a = np.array(list(q[col]), dtype=object)[:, None]
            b = np.array(list(r[col]), dtype=object)[None, :]
            term = (a != b).astype(float)
            ea, eb = a == '', b == ''
        else:
            continue
        used += 1
        term = np.where(ea & eb, 0.0, np.where(ea | eb, 1.0, term))
        total += term
    return total / used


def random_baseline(real, kinds, rows, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for col, kind in kinds.items():
        cells = real[col]
        share = float((cells == '').mean())
        if kind == 'numeric':
            x = numbers(cells, kind)
            lo, hi = np.nanmin(x), np.nanmax(x)
            vals = [repr(float(v)) for v in rng.uniform(lo, hi, rows)]
        elif kind == 'datetime':
            x = numbers(cells, kind)
            lo, hi = int(np.nanmin(x) // DAY_MS), int(np.nanmax(x) // DAY_MS)
            vals = [str((pd.Timestamp(0) + pd.Timedelta(days=int(d))).date()) for d in rng.integers(lo, hi + 1, rows)]
        elif kind in CATEGORY:
            present = [c for c in pd.unique(cells) if c != '']
            vals = [str(v) for v in rng.choice(present, rows)]
        else:
            continue
        empty = rng.random(rows) < share
        out[col] = ['' if e else v for v, e in zip(vals, empty)]
    return out


def protection_case(name, real_file, synth_file, holdout_file, types_file, seed, synth_is_real=False):
    types = json.load(open(os.path.join(REF, types_file))) if types_file else {}
    real, kinds = load(real_file, types)
    synth, _ = load(real_file if synth_is_real else synth_file, types)
    baseline = random_baseline(real, kinds, len(synth), seed)
    base_df = pd.DataFrame(baseline)
    base_kinds = {c: k for c, k in kinds.items() if c in baseline}
    d_syn = distance_matrix(synth, real, kinds, real).min(axis=1)
    d_rand = distance_matrix(base_df, real, base_kinds, real).min(axis=1)
    med_s, med_r = float(np.median(d_syn)), float(np.median(d_rand))
    case = {
        'name': name, 'real': real_file, 'synth': real_file if synth_is_real else synth_file, 'holdout': holdout_file, 'types': types_file,
        'baseline': baseline,
        'baselineProtection': {'medianSynthetic': med_s, 'medianRandom': med_r, 'score': min(1.0, med_s / med_r)},
    }
    if holdout_file:
        holdout, _ = load(holdout_file, types)
        to_train = distance_matrix(synth, real, kinds, real).min(axis=1)
        to_hold = distance_matrix(synth, holdout, kinds, real).min(axis=1)
        closer = int((to_train < to_hold).sum())
        p = closer / len(synth)
        t, h = len(real), len(holdout)
        pb = p * h / (p * h + (1 - p) * t) if p * h + (1 - p) * t > 0 else 0.5
        gap = np.abs(to_train - to_hold)
        case['overfittingProtection'] = {
            'closer': closer, 'closerToTraining': p, 'nearTies': int(((gap > 0) & (gap < 1e-6)).sum()),
            'balancedCloserToTraining': pb, 'score': min(1.0, 2 * (1 - pb)), 'sdmetricsScore': min(1.0, 2 * (1 - p)),
        }
    return case


def main():
    density = [
        density_case('breast cancer 190/190/189', 'membership_real.csv', 'membership_holdout.csv', 'membership_synth.csv', None, 7),
        density_case('breast cancer, synthetic = copy of training', 'membership_real.csv', 'membership_holdout.csv', None, None, 7, synth_is_real=True),
        density_case('mixed kinds with gaps 40/30/30', 'mixed_real.csv', 'mixed_holdout.csv', 'mixed_synth.csv', 'mixed_types.json', 3),
    ]
    protection = [
        protection_case('breast cancer', 'membership_real.csv', 'membership_synth.csv', 'membership_holdout.csv', None, 11),
        protection_case('breast cancer, synthetic = copy of training', 'membership_real.csv', None, 'membership_holdout.csv', None, 12, synth_is_real=True),
        protection_case('mixed kinds with gaps', 'mixed_real.csv', 'mixed_synth.csv', 'mixed_holdout.csv', 'mixed_types.json', 13),
        protection_case('patients 300/200 (no holdout)', 'patients_real.csv', 'patients_synth.csv', None, 'patients_types.json', 14),
    ]
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump({'density': density, 'protection': protection}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
