#!/usr/bin/python3
"""Reference values for the table metrics in src/core/metrics, computed independently of the
TypeScript code with scipy, numpy, pandas and scikit-learn.

Writes:
  test/fixtures/reference/breast_cancer_real.csv / _synth.csv   first / second half of the
      scikit-learn breast_cancer table (test/fixtures/tables/breast_cancer.csv), lines copied verbatim
  test/fixtures/reference/mixed_{real,synth,holdout}.csv + mixed_types.json   a small mixed-type table
  test/fixtures/reference/patients_{real,synth}.csv + patients_types.json   the first 300 / the last
      200 rows of samples/workspace/patients.csv (gaps in systolic_bp, bmi and smoker), lines copied verbatim
  test/fixtures/reference/gaps_{real,synth}.csv + gaps_types.json   a small table with gaps in every kind,
      a categorical column empty in the synthetic table and one empty in the real table
  test/fixtures/reference/membership_{real,holdout,synth}.csv   the breast_cancer rows in a seeded
      shuffle cut three ways (190 / 190 / 189 rows, lines copied verbatim): train, holdout and an
      independent "synthetic" sample of the same distribution
  test/fixtures/reference/ties_{real,holdout,synth}.csv + ties_types.json   small integer and label
      columns with many duplicate rows, so that distances tie across members and non-members
  test/fixtures/reference/metrics.json   the expected metric values

The membership-inference distance attack (privacy.membershipInference): score = -(distance of a real
record to its nearest synthetic row), members = training rows, non-members = holdout rows; AUC with
sklearn.metrics.roc_auc_score, the ROC points with sklearn.metrics.roc_curve(drop_intermediate=False),
TPR at FPR <= level = the largest TPR among those points with FPR <= level.

Identifiability (privacy.identifiability, Yoon et al. 2020, ADS-GAN) and authenticity (privacy.authenticity,
Alaa et al. 2022) on the same distance, written from the papers in numpy: identifiability = share of real
rows whose nearest synthetic row is strictly nearer than their nearest other real row (r_hat_i < r_i);
authenticity = share of synthetic rows j with d(j, r) >= s_r, r the nearest real row (when several are
equally near, the one with the largest s_r) and s_r the distance of r to its nearest other real row.
For range-scaled numeric tables the distances come from sklearn.metrics.pairwise_distances(manhattan)
and NearestNeighbors(brute, manhattan). minGap: the smallest nonzero |difference| the decision compares.

TVComplement and MissingValueSimilarity are SDMetrics' definitions written in pandas (SDMetrics itself
is not installed): https://docs.sdv.dev/sdmetrics/metrics/metrics-glossary/tvcomplement ("this metric
ignores any missing values"; sdmetrics/single_column/statistical/tv_complement.py drops them with
Series.dropna() and raises IncomputableMetricError when one side has no value left, which the quality
report's Column Shapes records as a NaN score that its average skips) and
https://docs.sdv.dev/sdmetrics/metrics/metrics-glossary/missingvaluesimilarity (score = 1 - |S_p - R_p|,
p the share of missing values per column, pandas' isna()).

Run: /usr/bin/python3 test/reference/metrics_reference.py
"""
import json
import os
from collections import Counter

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy.stats import ks_2samp
from sklearn.metrics import pairwise_distances, roc_auc_score, roc_curve
from sklearn.neighbors import NearestNeighbors

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference')
SOURCE = os.path.join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv')
PATIENTS = os.path.join(ROOT, 'samples', 'workspace', 'patients.csv')
PATIENTS_TYPES = {'patient_id': 'identifier', 'admission_date': 'datetime', 'age': 'numeric', 'sex': 'categorical',
                  'diagnosis': 'categorical', 'systolic_bp': 'numeric', 'bmi': 'numeric', 'smoker': 'boolean'}


def write_breast_cancer_halves():
    with open(SOURCE, encoding='utf-8') as f:
        lines = f.read().splitlines()
    header, rows = lines[0], lines[1:]
    half = len(rows) // 2
    for name, part in (('real', rows[:half]), ('synth', rows[half:])):
        with open(os.path.join(OUT, f'breast_cancer_{name}.csv'), 'w', encoding='utf-8') as f:
            f.write('\n'.join([header] + part) + '\n')


def write_mixed_tables():
    """A small clinical-looking table: numbers with gaps, dates, labels, booleans, ids and notes."""
    rng = np.random.default_rng(20260101)
    wards = ['A', 'B', 'C']

    def draw(n, prefix, ward_choices):
        age = rng.integers(18, 95, n)
        weight = np.round(50 + 0.4 * age + rng.normal(0, 12, n), 1)
        weight[rng.random(n) < 0.1] = np.nan
        admitted = pd.Timestamp('2023-01-01') + pd.to_timedelta(rng.integers(0, 365, n), unit='D')
        sex = rng.choice(['F', 'M'], n)
        smoker = rng.choice(['true', 'false'], n, p=[0.3, 0.7])
        ward = rng.choice(ward_choices, n).astype(object)
        ward[rng.random(n) < 0.1] = None
        notes = rng.choice(['stable', 'improving', 'needs review', 'discharged home'], n)
        return pd.DataFrame({
            'patient_id': [f'{prefix}{i:03d}' for i in range(n)], 'age': age, 'weight_kg': weight,
            'admitted': admitted.strftime('%Y-%m-%d'), 'sex': sex, 'smoker': smoker, 'ward': ward, 'notes': notes,
        })

    real = draw(40, 'R', wards)
    synth = draw(30, 'S', wards + ['D'])
    holdout = draw(30, 'H', wards)
    # Three synthetic rows copy real records except the regenerated identifier.
    for s, r in ((0, 3), (7, 11), (19, 25)):
        synth.loc[s, synth.columns[1:]] = real.loc[r, real.columns[1:]].values
    # One synthetic weight far outside the real range (more than half the range above it), so that its
    # distance to real rows with an empty weight exercises the term-by-term path of the TypeScript code.
    synth.loc[5, 'weight_kg'] = 400.0
    # One holdout row equal to a training row (identifier aside): the exact-copy base rate sees it.
    holdout.loc[4, holdout.columns[1:]] = real.loc[8, real.columns[1:]].values
    for name, df in (('real', real), ('synth', synth), ('holdout', holdout)):
        df.to_csv(os.path.join(OUT, f'mixed_{name}.csv'), index=False, na_rep='')
    types = {'patient_id': 'identifier', 'age': 'numeric', 'weight_kg': 'numeric', 'admitted': 'datetime',
             'sex': 'categorical', 'smoker': 'boolean', 'ward': 'categorical', 'notes': 'text'}
    with open(os.path.join(OUT, 'mixed_types.json'), 'w', encoding='utf-8') as f:
        json.dump(types, f, indent=1)
    return types


def load(name, types):
    df = pd.read_csv(os.path.join(OUT, f'{name}.csv'), keep_default_na=False, na_values=[''], dtype=str)
    out = {}
    for col in df.columns:
        kind = types.get(col, 'numeric')
        if kind == 'numeric':
            out[col] = pd.to_numeric(df[col])
        elif kind == 'datetime':
            out[col] = pd.to_datetime(df[col]).astype('int64') / 1e6  # ms since the epoch; NaT becomes NaN below
            out[col][df[col].isna()] = np.nan
        else:
            out[col] = df[col]
    return pd.DataFrame(out)


def numeric_cols(types, df):
    return [c for c in df.columns if types.get(c, 'numeric') in ('numeric', 'datetime')]


def category_cols(types, df):
    return [c for c in df.columns if types.get(c, 'numeric') in ('categorical', 'boolean')]


def ks_complement(real, synth, cols):
    per = {c: 1 - ks_2samp(real[c].dropna(), synth[c].dropna()).statistic for c in cols}
    return float(np.mean(list(per.values()))), per


def tv_complement(real, synth, cols):
    """SDMetrics TVComplement per column: missing values dropped, 1 - TVD of the category shares of the
    values left. A column with no value left on one side is incomputable (NaN in SDMetrics' Column
    Shapes); it is left out and the score is the mean over the others (np.nanmean)."""
    per, skipped = {}, []
    for c in cols:
        r, s = real[c].dropna(), synth[c].dropna()
        if len(r) == 0 or len(s) == 0:
            skipped.append(c)
            continue
        p, q = r.value_counts(normalize=True), s.value_counts(normalize=True)
        labels = p.index.union(q.index)
        per[c] = 1 - 0.5 * float(np.abs(p.reindex(labels, fill_value=0) - q.reindex(labels, fill_value=0)).sum())
    return float(np.mean(list(per.values()))), per, skipped


def tv_complement_sdmetrics_code(real, synth, cols):
    """SDMetrics' own arithmetic (sdmetrics.utils.get_frequencies): a label only the synthetic column has
    gets a real count of 1e-6 "to prevent NaN", which moves the real shares by up to k * 1e-6 / n
    (k such labels, n present real cells). The exact definition above is what MedSynth computes; this
    records how far SDMetrics' printed number can be from it."""
    per = {}
    for c in cols:
        r, s = Counter(real[c].dropna()), Counter(synth[c].dropna())
        if not r or not s:
            continue
        k = sum(1 for v in s if v not in r)
        for v in s:
            if v not in r:
                r[v] += 1e-6
        f_obs = [s[v] / sum(s.values()) for v in r]
        f_exp = [r[v] / sum(r.values()) for v in r]
        per[c] = {'score': 1 - 0.5 * sum(abs(a - b) for a, b in zip(f_obs, f_exp)),
                  'bound': k * 1e-6 / int(real[c].notna().sum())}
    return per


def missing_value_similarity(real, synth):
    """SDMetrics MissingValueSimilarity for every column of the real table, averaged."""
    per, share = {}, {}
    for c in real.columns:
        r, s = float(real[c].isna().sum() / len(real)), float(synth[c].isna().sum() / len(synth))
        per[c] = 1 - abs(r - s)
        share[c] = {'real': r, 'synthetic': s}
    return float(np.mean(list(per.values()))), per, share


def correlation_similarity(real, synth, cols):
    r, s = real[cols].corr(method='pearson'), synth[cols].corr(method='pearson')
    per = {f'{a}|{b}': 1 - abs(s.loc[a, b] - r.loc[a, b]) / 2 for i, a in enumerate(cols) for b in cols[i + 1:]}
    return float(np.mean(list(per.values()))), per


def contingency_similarity(real, synth, cols):
    """SDMetrics ContingencySimilarity with pandas crosstab; a missing cell is a category of its own."""
    per = {}
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            r = pd.crosstab(real[a].fillna('<missing>'), real[b].fillna('<missing>'), normalize='all')
            s = pd.crosstab(synth[a].fillna('<missing>'), synth[b].fillna('<missing>'), normalize='all')
            rows, columns = r.index.union(s.index), r.columns.union(s.columns)
            r = r.reindex(index=rows, columns=columns, fill_value=0)
            s = s.reindex(index=rows, columns=columns, fill_value=0)
            per[f'{a}|{b}'] = 1 - 0.5 * float(np.abs(r.to_numpy() - s.to_numpy()).sum())
    return float(np.mean(list(per.values()))), per


def row_keys(df, cols):
    return [tuple(None if pd.isna(v) else v for v in row) for row in df[cols].itertuples(index=False)]


def exact_copies(real, synth, types):
    cols = [c for c in real.columns if types.get(c, 'numeric') != 'identifier']
    real_keys = set(row_keys(real, cols))
    return sum(1 for k in row_keys(synth, cols) if k in real_keys) / len(synth)


def exact_copy_base_rate(real, holdout, types):
    """Holdout rows equal to some real row; without a holdout, real rows equal to another real row."""
    cols = [c for c in real.columns if types.get(c, 'numeric') != 'identifier']
    real_keys = row_keys(real, cols)
    if holdout is not None:
        seen = set(real_keys)
        matches = sum(1 for k in row_keys(holdout, cols) if k in seen)
        return {'source': 'holdout', 'matches': matches, 'rows': len(holdout)}
    counts = pd.Series(real_keys).value_counts()
    matches = int(sum(n for n in counts if n > 1))
    return {'source': 'real', 'matches': matches, 'rows': len(real)}


def gower_matrix(a, b, real, num, cat):
    """Mean per-column distance, written directly (not through one-hot or L1) as an independent check.
    Missing-aware: both cells empty -> 0, exactly one empty -> 1; ranges from the real column's
    non-empty values (a zero range gives 0 between present values)."""
    total = np.zeros((len(a), len(b)))
    for c in num:
        x, y = a[c].to_numpy(dtype=float)[:, None], b[c].to_numpy(dtype=float)[None, :]
        present = real[c].dropna()
        rng = present.max() - present.min() if len(present) > 0 else 0.0
        term = np.abs(x - y) / rng if rng > 0 else np.zeros((len(a), len(b)))
        ex, ey = np.isnan(x), np.isnan(y)
        term = np.where(ex & ey, 0.0, np.where(ex | ey, 1.0, term))
        total += term
    for c in cat:
        x, y = a[c].to_numpy(dtype=object)[:, None], b[c].to_numpy(dtype=object)[None, :]
        ex, ey = pd.isna(x), pd.isna(y)
        term = np.where(ex & ey, 0.0, np.where(ex | ey, 1.0, (x != y).astype(float)))
        total += term
    return total / (len(num) + len(cat))


def summarise_dcr(d1, d2):
    hist_counts, hist_edges = np.histogram(d1, bins=20, range=(0, d1.max() if d1.max() > 0 else 1))
    ratio = np.where(d2 == 0, 0.0, d1 / np.where(d2 == 0, 1, d2))
    return {
        'median': float(np.median(d1)), 'p05': float(np.quantile(d1, 0.05)), 'mean': float(np.mean(d1)),
        'histogram': {'edges': hist_edges.tolist(), 'counts': hist_counts.tolist()},
        'nndrMedian': float(np.median(ratio)), 'nndrP05': float(np.quantile(ratio, 0.05)),
    }


def nndr_ratio(d1, d2):
    return np.where(d2 == 0, 0.0, d1 / np.where(d2 == 0, 1, d2))


def mixed_reference(types):
    real, synth, holdout = (load(f'mixed_{n}', types) for n in ('real', 'synth', 'holdout'))
    num, cat = numeric_cols(types, real), category_cols(types, real)
    to_real = np.sort(gower_matrix(synth, real, real, num, cat), axis=1)
    to_hold = np.sort(gower_matrix(synth, holdout, real, num, cat), axis=1)
    base = np.sort(gower_matrix(holdout, real, real, num, cat), axis=1)
    d_train, d_hold = to_real[:, 0], to_hold[:, 0]
    dcr = summarise_dcr(to_real[:, 0], to_real[:, 1])
    edges = np.array(dcr['histogram']['edges'])
    base_ratio = nndr_ratio(base[:, 0], base[:, 1])
    dcr.update({
        'shareCloserToTrain': float((np.sum(d_train < d_hold) + 0.5 * np.sum(d_train == d_hold)) / len(d_train)),
        'd1': to_real[:, 0].tolist(), 'd2': to_real[:, 1].tolist(),
        'baseline': {'median': float(np.median(base[:, 0])), 'p05': float(np.quantile(base[:, 0], 0.05)),
                     'mean': float(np.mean(base[:, 0])), 'rows': len(holdout)},
        # Holdout distances in the synthetic histogram's bins; larger ones are counted in the last bin.
        'holdoutCounts': np.histogram(np.minimum(base[:, 0], edges[-1]), bins=edges)[0].tolist(),
        'nndrBaselineMedian': float(np.median(base_ratio)),
    })
    ks, ks_per = ks_complement(real, synth, num)
    tv, tv_per, tv_skipped = tv_complement(real, synth, cat)
    mvs, mvs_per, mvs_share = missing_value_similarity(real, synth)
    corr, corr_per = correlation_similarity(real, synth, num)
    cont, cont_per = contingency_similarity(real, synth, cat)
    return {
        'files': {'real': 'mixed_real.csv', 'synth': 'mixed_synth.csv', 'holdout': 'mixed_holdout.csv', 'types': 'mixed_types.json'},
        'ksComplement': {'score': ks, 'perColumn': ks_per},
        'tvComplement': {'score': tv, 'perColumn': tv_per, 'skippedColumns': tv_skipped,
                         'sdmetricsCode': tv_complement_sdmetrics_code(real, synth, cat)},
        'missingValueSimilarity': {'score': mvs, 'perColumn': mvs_per, 'missingShare': mvs_share},
        'correlationSimilarity': {'score': corr, 'perPair': corr_per},
        'contingencySimilarity': {'score': cont, 'perPair': cont_per},
        'exactCopies': exact_copies(real, synth, types), 'dcr': dcr,
        'exactCopyBaseRate': exact_copy_base_rate(real, holdout, types),
        'membershipInference': membership_attack(gower_matrix(real, synth, real, num, cat).min(axis=1),
                                                 gower_matrix(holdout, synth, real, num, cat).min(axis=1)),
    }


def breast_cancer_reference():
    real, synth = load('breast_cancer_real', {}), load('breast_cancer_synth', {})
    cols = list(real.columns)
    lo, span = real.min().to_numpy(), (real.max() - real.min()).to_numpy()
    # Zero-range columns contribute 0 to every distance, as the metric defines.
    scale = lambda df: np.where(span > 0, (df.to_numpy() - lo) / np.where(span > 0, span, 1), 0.0)
    nn = NearestNeighbors(n_neighbors=2, algorithm='brute', metric='manhattan').fit(scale(real))
    dist, _ = nn.kneighbors(scale(synth))
    dist = dist / len(cols)
    dcr = summarise_dcr(dist[:, 0], dist[:, 1])
    dcr.update({'d1': dist[:, 0].tolist(), 'd2': dist[:, 1].tolist()})
    ks, ks_per = ks_complement(real, synth, cols)
    corr, corr_per = correlation_similarity(real, synth, cols)
    return {
        'files': {'real': 'breast_cancer_real.csv', 'synth': 'breast_cancer_synth.csv'},
        'ksComplement': {'score': ks, 'perColumn': ks_per}, 'correlationSimilarity': {'score': corr, 'perPair': corr_per},
        'exactCopies': exact_copies(real, synth, {}), 'dcr': dcr,
        'exactCopyBaseRate': exact_copy_base_rate(real, None, {}),
    }


def membership_attack(d_members, d_non):
    """The distance attack on per-row nearest-synthetic distances. minGap: the smallest difference between
    two distinct distances, so the test knows float32 accumulation (<= 1e-6) cannot reorder them."""
    d_members, d_non = np.asarray(d_members, dtype=float), np.asarray(d_non, dtype=float)
    y = np.concatenate([np.ones(len(d_members)), np.zeros(len(d_non))])
    score = -np.concatenate([d_members, d_non])
    fpr, tpr, _ = roc_curve(y, score, drop_intermediate=False)
    auc = float(roc_auc_score(y, score))
    distinct = np.unique(score)
    return {
        'auc': auc, 'score': 1 - 2 * max(0.0, auc - 0.5),
        'tprAtFpr': {str(level): float(tpr[fpr <= level].max()) for level in (0.01, 0.1)},
        'members': len(d_members), 'nonMembers': len(d_non),
        'dMembers': d_members.tolist(), 'dNonMembers': d_non.tolist(),
        'minGap': float(np.diff(distinct).min()) if len(distinct) > 1 else None,
        'distinctDistances': int(len(distinct)),
    }


def nearest_scaled(query, ref, real):
    """Mean per-column manhattan distance to the nearest ref row, on range-scaled numeric features
    (sklearn NearestNeighbors brute), ranges from the real table; zero-range columns contribute 0."""
    lo, span = real.min().to_numpy(), (real.max() - real.min()).to_numpy()
    scale = lambda df: np.where(span > 0, (df.to_numpy() - lo) / np.where(span > 0, span, 1), 0.0)
    nn = NearestNeighbors(n_neighbors=1, algorithm='brute', metric='manhattan').fit(scale(ref))
    dist, _ = nn.kneighbors(scale(query))
    return dist[:, 0] / real.shape[1]


def write_membership_parts():
    """breast_cancer rows shuffled with a seed and cut in three: train / holdout / independent synthetic."""
    with open(SOURCE, encoding='utf-8') as f:
        lines = f.read().splitlines()
    header, rows = lines[0], lines[1:]
    order = np.random.default_rng(20260420).permutation(len(rows))
    parts = {'real': order[:190], 'holdout': order[190:380], 'synth': order[380:]}
    for name, idx in parts.items():
        with open(os.path.join(OUT, f'membership_{name}.csv'), 'w', encoding='utf-8') as f:
            f.write('\n'.join([header] + [rows[i] for i in idx]) + '\n')


def membership_reference():
    real, holdout, synth = (load(f'membership_{n}', {}) for n in ('real', 'holdout', 'synth'))
    independent = membership_attack(nearest_scaled(real, synth, real), nearest_scaled(holdout, synth, real))
    # Synthetic = a copy of the training rows: every member is at distance 0.
    copy = membership_attack(nearest_scaled(real, real, real), nearest_scaled(holdout, real, real))
    return {'files': {'real': 'membership_real.csv', 'holdout': 'membership_holdout.csv', 'synth': 'membership_synth.csv'},
            'independent': independent, 'copy': copy}


def write_ties_tables():
    """Integer columns 0..4 (range 4 in the real table, so scaled values are exact binary fractions and
    tied distances are exactly equal in float32 too) and a label column; rows drawn from few patterns."""
    rng = np.random.default_rng(20260421)
    patterns = pd.DataFrame({'a': rng.integers(0, 5, 12), 'b': rng.integers(0, 5, 12), 'c': rng.choice(['x', 'y', 'z'], 12)})
    patterns.loc[0, ['a', 'b']] = [0, 0]
    patterns.loc[1, ['a', 'b']] = [4, 4]

    def draw(n, first):
        idx = np.concatenate([[0, 1] if first else [], rng.integers(0, len(patterns), n - (2 if first else 0))]).astype(int)
        return patterns.iloc[idx].reset_index(drop=True)

    parts = {'real': draw(40, True), 'holdout': draw(30, False), 'synth': draw(15, False)}
    for name, df in parts.items():
        df.to_csv(os.path.join(OUT, f'ties_{name}.csv'), index=False)
    types = {'a': 'numeric', 'b': 'numeric', 'c': 'categorical'}
    with open(os.path.join(OUT, 'ties_types.json'), 'w', encoding='utf-8') as f:
        json.dump(types, f, indent=1)
    return types


def ties_reference(types):
    real, holdout, synth = (load(f'ties_{n}', types) for n in ('real', 'holdout', 'synth'))
    num, cat = numeric_cols(types, real), category_cols(types, real)
    attack = membership_attack(gower_matrix(real, synth, real, num, cat).min(axis=1),
                               gower_matrix(holdout, synth, real, num, cat).min(axis=1))
    return {'files': {'real': 'ties_real.csv', 'holdout': 'ties_holdout.csv', 'synth': 'ties_synth.csv', 'types': 'ties_types.json'},
            'attack': attack}


def identifiability_authenticity(real_to_synth, real_to_real):
    """Both metrics from the full distance matrices real x synth and real x real (mean per-column distance)."""
    real_to_synth, real_to_real = np.asarray(real_to_synth, dtype=float), np.asarray(real_to_real, dtype=float)
    r_hat = real_to_synth.min(axis=1)
    r = np.sort(real_to_real, axis=1)[:, 1]  # column 0 is the row itself (distance 0)
    ident_gap = np.abs(r_hat - r)
    synth_to_real = real_to_synth.T
    d = synth_to_real.min(axis=1)
    nearest = synth_to_real <= d[:, None] + 1e-12
    radius = np.where(nearest, r[None, :], -np.inf).max(axis=1)
    auth_gap = np.abs(d - radius)
    gap = lambda g: float(g[g > 0].min()) if np.any(g > 0) else None
    identifiability = float(np.mean(r_hat < r))
    return {
        'identifiability': {'identifiability': identifiability, 'score': 1 - identifiability, 'realRows': len(r),
                            'ties': int(np.sum(r_hat == r)), 'rHat': r_hat.tolist(), 'r': r.tolist(), 'minGap': gap(ident_gap)},
        'authenticity': {'authenticShare': float(np.mean(d >= radius)), 'synthRows': len(d), 'ties': int(np.sum(d == radius)),
                         'nearestTies': int(np.sum(nearest.sum(axis=1) > 1)), 'minGap': gap(auth_gap)},
    }


def scaled(df, real):
    lo, span = real.min().to_numpy(), (real.max() - real.min()).to_numpy()
    return np.where(span > 0, (df.to_numpy() - lo) / np.where(span > 0, span, 1), 0.0)


def identifiability_reference(mixed_types, ties_types):
    out = {}
    for name, types in (('mixed', mixed_types), ('ties', ties_types)):
        real, synth = load(f'{name}_real', types), load(f'{name}_synth', types)
        num, cat = numeric_cols(types, real), category_cols(types, real)
        out[name] = identifiability_authenticity(gower_matrix(real, synth, real, num, cat), gower_matrix(real, real, real, num, cat))
        out[name]['files'] = {'real': f'{name}_real.csv', 'synth': f'{name}_synth.csv', 'types': f'{name}_types.json'}
    real, synth = load('membership_real', {}), load('membership_synth', {})
    cols = real.shape[1]
    manhattan = lambda a, b: pairwise_distances(scaled(a, real), scaled(b, real), metric='manhattan') / cols
    independent = identifiability_authenticity(manhattan(real, synth), manhattan(real, real))
    # The same r_hat and r from NearestNeighbors, as a check on the matrices.
    nn = NearestNeighbors(n_neighbors=2, algorithm='brute', metric='manhattan').fit(scaled(real, real))
    assert np.allclose(nn.kneighbors(scaled(real, real))[0][:, 1] / cols, independent['identifiability']['r'])
    nn1 = NearestNeighbors(n_neighbors=1, algorithm='brute', metric='manhattan').fit(scaled(synth, real))
    assert np.allclose(nn1.kneighbors(scaled(real, real))[0][:, 0] / cols, independent['identifiability']['rHat'])
    out['independent'] = independent
    out['independent']['files'] = {'real': 'membership_real.csv', 'synth': 'membership_synth.csv'}
    # Synthetic = a copy of the real rows.
    out['copy'] = identifiability_authenticity(manhattan(real, real), manhattan(real, real))
    out['copy']['files'] = {'real': 'membership_real.csv', 'synth': 'membership_real.csv'}
    return out


def write_patients_parts():
    """The sample patients table: the first 300 rows as real, the last 200 as synthetic, lines verbatim."""
    with open(PATIENTS, encoding='utf-8') as f:
        lines = f.read().splitlines()
    header, rows = lines[0], lines[1:]
    for name, part in (('real', rows[:300]), ('synth', rows[300:])):
        with open(os.path.join(OUT, f'patients_{name}.csv'), 'w', encoding='utf-8') as f:
            f.write('\n'.join([header] + part) + '\n')
    with open(os.path.join(OUT, 'patients_types.json'), 'w', encoding='utf-8') as f:
        json.dump(PATIENTS_TYPES, f, indent=1)
    return PATIENTS_TYPES


def write_gaps_tables():
    """Gaps in every kind of column; 'flag' is empty in every synthetic row and 'grade' in every real row,
    so TVComplement cannot score them; 'ward' has a label only the synthetic table uses."""
    rng = np.random.default_rng(20260315)

    def draw(n, ward_labels, flag_empty, grade_empty):
        def gappy(values, share):
            values = np.asarray(values, dtype=object)
            values[rng.random(n) < share] = None
            return values
        return pd.DataFrame({
            'code': [f'C{i:03d}' for i in range(n)],
            'ward': gappy(rng.choice(ward_labels, n), 0.2),
            'site': rng.choice(['north', 'south'], n, p=[0.6, 0.4]),
            'flag': [None] * n if flag_empty else gappy(rng.choice(['true', 'false'], n), 0.3),
            'grade': [None] * n if grade_empty else gappy(rng.choice(['I', 'II', 'III'], n), 0.1),
            'dose': gappy(np.round(rng.normal(5, 1, n), 2).astype(str), 0.25),
            'note': gappy(rng.choice(['ok', 'review'], n), 0.4),
        })

    real = draw(50, ['A', 'B', 'C'], flag_empty=False, grade_empty=True)
    synth = draw(35, ['A', 'B', 'C', 'D'], flag_empty=True, grade_empty=False)
    for name, df in (('real', real), ('synth', synth)):
        df.to_csv(os.path.join(OUT, f'gaps_{name}.csv'), index=False, na_rep='')
    types = {'code': 'identifier', 'ward': 'categorical', 'site': 'categorical', 'flag': 'boolean',
             'grade': 'categorical', 'dose': 'numeric', 'note': 'text'}
    with open(os.path.join(OUT, 'gaps_types.json'), 'w', encoding='utf-8') as f:
        json.dump(types, f, indent=1)
    return types


def missingness_reference(name, types):
    """TVComplement and MissingValueSimilarity on a pair of tables with gaps."""
    real, synth = load(f'{name}_real', types), load(f'{name}_synth', types)
    cat = category_cols(types, real)
    tv, tv_per, tv_skipped = tv_complement(real, synth, cat)
    mvs, mvs_per, mvs_share = missing_value_similarity(real, synth)
    return {
        'files': {'real': f'{name}_real.csv', 'synth': f'{name}_synth.csv', 'types': f'{name}_types.json'},
        'tvComplement': {'score': tv, 'perColumn': tv_per, 'skippedColumns': tv_skipped,
                         'sdmetricsCode': tv_complement_sdmetrics_code(real, synth, cat),
                         'missingCells': int(sum(real[c].isna().sum() + synth[c].isna().sum() for c in cat))},
        'missingValueSimilarity': {'score': mvs, 'perColumn': mvs_per, 'missingShare': mvs_share},
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    write_breast_cancer_halves()
    types = write_mixed_tables()
    patients_types = write_patients_parts()
    gaps_types = write_gaps_tables()
    write_membership_parts()
    ties_types = write_ties_tables()
    result = {
        'generatedBy': 'test/reference/metrics_reference.py',
        'versions': {'numpy': np.__version__, 'scipy': scipy.__version__, 'sklearn': sklearn.__version__, 'pandas': pd.__version__},
        'breastCancer': breast_cancer_reference(),
        'mixed': mixed_reference(types),
        'missingness': {'patients': missingness_reference('patients', patients_types),
                        'gaps': missingness_reference('gaps', gaps_types)},
        'membership': membership_reference(),
        'membershipTies': ties_reference(ties_types),
        'identifiability': identifiability_reference(types, ties_types),
    }
    with open(os.path.join(OUT, 'metrics.json'), 'w', encoding='utf-8') as f:
        json.dump(result, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
