#!/usr/bin/python3
"""Reference for the bootstrap intervals of the distance-based privacy metrics (the resample closures of
src/core/metrics/dcr.ts, nndr.ts, membershipInference.ts, identifiability.ts, authenticity.ts,
dcrBaselineProtection.ts, dcrOverfittingProtection.ts and membershipDensity.ts), written from the
definitions and independently of the TypeScript. Writes test/fixtures/reference/bootstrap_distance.json.

Per case: per-row values as the shared nearest-neighbour passes would give them (distances rounded to a
few decimals so that ties occur), the metric id, a seed and a resample count. The bootstrap indices are
drawn here the way src/core/metrics/bootstrap.ts documents its counter-based draws (the murmur3 fmix32
finalizer; test/reference/latent_reference.py writes the same finalizer): index i of the s-th draw call
of resample b of metric `id` under `seed` is floor(fmix32(k_s + (i + 1) * 0x632be5ab) / 2^32 * n), with
k_s = fmix32(key ^ (s + 1) * 0x85ebca6b) and key a chain of fmix32 over the seed's two 32-bit words, a
hash of the id's UTF-16 code units and b. Per resample the score is recomputed on the drawn rows:

- dcr: numpy.median of the drawn synthetic rows' DCRs (the real rows are the fixed reference set).
- nndr: numpy.median of d1 / d2 (0 where d2 = 0) over the drawn synthetic rows.
- membership: members (call 0) and non-members (call 1) drawn apart; sklearn roc_auc_score(y, -distance),
  score 1 - 2 max(0, AUC - 0.5); TPR at FPR 0.01 / 0.1 from sklearn roc_curve(drop_intermediate=False):
  the largest TPR among points with FPR <= level.
- identifiability: 1 - mean(toSynth < toOtherReal) over the drawn real rows (exact comparison).
- authenticity: mean(toReal >= radius) over the drawn synthetic rows.
- dcrBaseline: min(1, median of drawn synthetic DCRs (call 0) / median of drawn random DCRs (call 1)),
  undefined (skipped) when the random median is 0.
- dcrOverfitting: p = mean(toTrain < toHoldout) over the drawn synthetic rows, balanced to equal set sizes
  b = p h / (p h + (1 - p) t), score min(1, 2 (1 - b)).
- membershipDensity: as membership, the attack score being the log density ratio itself (higher = member).

Interval: numpy.percentile(scores, [2.5, 97.5]) less the bias (mean of the resampled scores - the score),
clipped to [0, 1] (the shifted percentile method of bootstrap.ts's header).
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score, roc_curve

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference', 'bootstrap_distance.json')
RESAMPLES = 120
M32 = 0xFFFFFFFF
LEVELS = (0.01, 0.1)


def fmix32(h):
    """MurmurHash3's 32-bit finalizer on uint64 arrays (or ints) holding 32-bit values."""
    h = np.asarray(h, dtype=np.uint64) & np.uint64(M32)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & np.uint64(M32)
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & np.uint64(M32)
    h ^= h >> np.uint64(16)
    return h


def f1(h):
    return int(fmix32(h))


def id_hash(metric_id):
    h = 0x3C6EF372
    for c in np.frombuffer(metric_id.encode('utf-16-le'), dtype='<u2').tolist():
        h = f1(((h ^ c) + 0x9E3779B9) & M32)
    return h


def draw_function(seed, metric_id, resample):
    key = f1((seed & M32) ^ 0x9E3779B9)
    key = f1(key ^ (seed >> 32) ^ 0x7F4A7C15)
    key = f1(key ^ id_hash(metric_id) ^ 0x94D049BB)
    key = f1(key ^ resample ^ 0xBF58476D)
    calls = [0]

    def draw(n):
        k = f1(key ^ (((calls[0] + 1) * 0x85EBCA6B) & M32))
        calls[0] += 1
        i = np.arange(1, n + 1, dtype=np.uint64)
        u = fmix32((np.uint64(k) + i * np.uint64(0x632BE5AB)) & np.uint64(M32)).astype(np.float64)
        return np.floor(u / 4294967296.0 * n).astype(np.int64)

    return draw


def median(v):
    return float(np.percentile(v, 50))


def attack(members, non_members, member_score_sign):
    """AUC and TPR at the FPR levels, members positive, attack score = sign * value (higher = member)."""
    y = np.r_[np.ones(len(members)), np.zeros(len(non_members))]
    s = member_score_sign * np.r_[members, non_members]
    auc = float(roc_auc_score(y, s))
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    tprs = {str(level): float(np.max(tpr[fpr <= level])) for level in LEVELS}
    return auc, tprs


def privacy(auc):
    return 1 - 2 * max(0.0, auc - 0.5)


def balanced(p, t, h):
    a, b = p * h, (1 - p) * t
    return a / (a + b) if a + b > 0 else 0.5


def interval(score, scores):
    bias = float(np.mean(scores)) - score
    lo, hi = np.percentile(scores, [2.5, 97.5])
    return [float(np.clip(lo - bias, 0, 1)), float(np.clip(hi - bias, 0, 1))], bias


def run(case, metric_id, seed, sizes, score_of):
    """Resamples the case: sizes = the row counts drawn, in call order; score_of(list of index arrays)."""
    full = score_of([np.arange(n) for n in sizes])
    scores, skipped, first = [], 0, None
    extras = []
    for b in range(RESAMPLES):
        draw = draw_function(seed, metric_id, b)
        rows = [draw(n) for n in sizes]
        if first is None:
            first = [r.tolist() for r in rows]
        s = score_of(rows)
        if isinstance(s, tuple):
            s, extra = s
            extras.append(extra)
        if s is None:
            skipped += 1
            scores.append(None)
        else:
            scores.append(float(s))
    if isinstance(full, tuple):
        full = full[0]
    present = [s for s in scores if s is not None]
    ci95, bias = interval(full, present)
    out = {'id': metric_id, 'seed': seed, 'resamples': RESAMPLES, **case, 'score': full, 'firstDraws': first,
           'scores': scores, 'skipped': skipped, 'ci95': ci95, 'bias': bias}
    if extras:
        out['attacks'] = extras
    return out


def dist(rng, n, scale, decimals=2):
    return np.round(rng.exponential(scale, n), decimals)


def main():
    rng = np.random.default_rng(20261202)
    cases = {}

    d = dist(rng, 90, 0.2)
    cases['dcr'] = run({'dcr': d.tolist()}, 'privacy.dcr', 0, [len(d)], lambda r: median(d[r[0]]))

    d1 = dist(rng, 80, 0.1)
    d2 = d1 + dist(rng, 80, 0.1)
    d1[[3, 4]] = 0
    d2[[3]] = 0
    ratio = np.where(d2 == 0, 0.0, d1 / np.where(d2 == 0, 1, d2))
    cases['nndr'] = run({'d1': d1.tolist(), 'd2': d2.tolist()}, 'privacy.nndr', 5, [len(d1)], lambda r: median(ratio[r[0]]))

    mem = dist(rng, 70, 0.15)
    non = dist(rng, 55, 0.2)

    def membership(r):
        auc, tprs = attack(mem[r[0]], non[r[1]], -1)
        return privacy(auc), {'auc': auc, 'tprAtFpr': tprs}

    cases['membership'] = run({'members': mem.tolist(), 'nonMembers': non.tolist()}, 'privacy.membershipInference', 3,
                              [len(mem), len(non)], membership)

    to_synth = dist(rng, 75, 0.2)
    to_other = dist(rng, 75, 0.2)
    to_other[:6] = to_synth[:6]  # exact ties: not identified
    cases['identifiability'] = run({'toSynth': to_synth.tolist(), 'toOtherReal': to_other.tolist()}, 'privacy.identifiability', 11,
                                   [len(to_synth)], lambda r: 1 - float(np.mean(to_synth[r[0]] < to_other[r[0]])))

    to_real = dist(rng, 85, 0.2)
    radius = dist(rng, 85, 0.2)
    radius[:5] = to_real[:5]  # exact ties: authentic
    cases['authenticity'] = run({'toReal': to_real.tolist(), 'radius': radius.tolist()}, 'privacy.authenticity', 2,
                                [len(to_real)], lambda r: float(np.mean(to_real[r[0]] >= radius[r[0]])))

    syn = dist(rng, 60, 0.03, 3)
    ran = dist(rng, 64, 0.3)
    ran[rng.permutation(len(ran))[:29]] = 0  # 29 of 64 at 0: some resamples' random median is 0 (no score)

    def baseline(r):
        m = median(ran[r[1]])
        return min(1.0, median(syn[r[0]]) / m) if m > 0 else None

    cases['dcrBaseline'] = run({'synthetic': syn.tolist(), 'random': ran.tolist()}, 'privacy.dcrBaselineProtection', 4,
                               [len(syn), len(ran)], baseline)

    to_train = dist(rng, 95, 0.08, 1)
    to_hold = dist(rng, 95, 0.25, 1)
    t_rows, h_rows = 150, 100

    def overfitting(r):
        p = float(np.mean(to_train[r[0]] < to_hold[r[0]]))
        return min(1.0, 2 * (1 - balanced(p, t_rows, h_rows)))

    cases['dcrOverfitting'] = run({'toTrain': to_train.tolist(), 'toHoldout': to_hold.tolist(), 'trainRows': t_rows,
                                   'holdoutRows': h_rows}, 'privacy.dcrOverfittingProtection', 9, [len(to_train)], overfitting)

    ms = np.round(rng.normal(0.4, 1, 66), 1)
    ns = np.round(rng.normal(0.0, 1, 58), 1)

    def density(r):
        auc, tprs = attack(ms[r[0]], ns[r[1]], 1)
        return privacy(auc), {'auc': auc, 'tprAtFpr': tprs}

    cases['membershipDensity'] = run({'memberScores': ms.tolist(), 'nonMemberScores': ns.tolist()}, 'privacy.membershipDensity', 1,
                                     [len(ms), len(ns)], density)

    out = {'numpy': np.__version__, 'sklearn': sklearn.__version__, 'cases': cases}
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
