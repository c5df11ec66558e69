#!/usr/bin/python3
"""Reference for the Article 29 attacks (src/core/metrics/attacks/): the deterministic parts computed here by
brute force in numpy, independently of the TypeScript, on a small fixed mixed table; and Wilson 95% intervals
from scipy.stats.binomtest(...).proportion_ci(method='wilson'). Writes test/fixtures/reference/attacks.json.

Table (numpy default_rng(11)): real 40 rows, synthetic 30, holdout 40; age integer 20-89 (one real, one
synthetic and one holdout gap), sex F/M (one real gap), bmi N(26, 4) rounded to 0.1, smoker boolean,
diagnosis one of four labels. Integer ages and two-label columns make many tied distances, so the
lowest-index tie rule is exercised.

Distance (definition in attackRun.ts): sum over the columns, in the order named, of |a - b| / range (range =
max - min of the real column's present values) for numbers, 0/1 for labels, 0 when both cells are empty and
1 when exactly one is; accumulated column by column in float64; nearest = first index of the minimum
(numpy.argmin).

Recorded:
- linkability with quasi-identifiers age, sex, bmi, smoker: halves A = [age, sex], B = [bmi, smoker];
  per real row and per holdout row the nearest synthetic index on A and on B, whether they agree, and
  `tiedTargets` (targets whose smallest distance is reached by more than one synthetic row, on A plus on B);
- inference with quasi-identifiers age, sex, bmi, smoker and secret diagnosis: nearest synthetic index per
  row, the guessed label and whether it is right;
- inference with quasi-identifiers age, sex, smoker and the numeric secret bmi: right when |guess - truth|
  <= 0.05 * (max - min of the real bmi);
- Wilson intervals for a few (successes, trials).
"""
import json
import os

import numpy as np
from scipy.stats import binomtest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference', 'attacks.json')
KINDS = {'age': 'numeric', 'sex': 'categorical', 'bmi': 'numeric', 'smoker': 'boolean', 'diagnosis': 'categorical'}
DIAGNOSES = ['I10', 'E11', 'J45', 'M54']
WILSON_CASES = [(40, 100), (0, 10), (7, 7), (123, 500), (1, 3), (250, 500)]


def make(rng, n):
    age = rng.integers(20, 90, n).astype(float)
    sex = rng.choice(['F', 'M'], n)
    bmi = np.round(rng.normal(26, 4, n), 1)
    smoker = rng.choice(['false', 'true'], n, p=[0.7, 0.3])
    diagnosis = rng.choice(DIAGNOSES, n)
    return {'age': age, 'sex': sex.astype(object), 'bmi': bmi, 'smoker': smoker.astype(object), 'diagnosis': diagnosis.astype(object)}


def cells(table):
    out = {}
    for name, values in table.items():
        if KINDS[name] == 'numeric':
            out[name] = ['' if np.isnan(v) else (str(int(v)) if name == 'age' else f'{v:.1f}') for v in values]
        else:
            out[name] = ['' if v is None else str(v) for v in values]
    return out


def term(name, real_col, a, b):
    """Column term between every a (rows) and every b (columns)."""
    if KINDS[name] == 'numeric':
        present = real_col[~np.isnan(real_col)]
        rng = present.max() - present.min() if present.size else 0.0
        ea = np.isnan(a)[:, None]
        eb = np.isnan(b)[None, :]
        with np.errstate(invalid='ignore'):
            t = np.abs(a[:, None] - b[None, :]) / rng if rng > 0 else np.zeros((a.size, b.size))
    else:
        ea = np.array([v is None for v in a])[:, None]
        eb = np.array([v is None for v in b])[None, :]
        t = (a[:, None] != b[None, :]).astype(float)
    t = np.where(ea | eb, np.where(ea == eb, 0.0, 1.0), t)
    return t


def nearest(real, targets, synth, names):
    d = np.zeros((len(targets[names[0]]), len(synth[names[0]])))
    for name in names:
        d += term(name, real[name], targets[name], synth[name])
    return np.argmin(d, axis=1), int(np.sum(np.sum(d == d.min(axis=1, keepdims=True), axis=1) > 1))


def main():
    rng = np.random.default_rng(11)
    real, synth, holdout = make(rng, 40), make(rng, 30), make(rng, 40)
    real['age'][5] = np.nan
    synth['age'][3] = np.nan
    holdout['age'][7] = np.nan
    real['sex'][9] = None
    quasi = ['age', 'sex', 'bmi', 'smoker']
    half_a, half_b = quasi[:2], quasi[2:]
    result = {'kinds': KINDS, 'tables': {'real': cells(real), 'synth': cells(synth), 'holdout': cells(holdout)}}
    # Round-trip through the text cells so the reference sees exactly what the test loads.
    back = {}
    for role, t in result['tables'].items():
        back[role] = {
            name: (np.array([np.nan if s == '' else float(s) for s in col]) if KINDS[name] == 'numeric'
                   else np.array([None if s == '' else s for s in col], dtype=object))
            for name, col in t.items()
        }
    real, synth, holdout = back['real'], back['synth'], back['holdout']

    link = {'datasetA': half_a, 'datasetB': half_b}
    for role, targets in (('real', real), ('holdout', holdout)):
        na, ties_a = nearest(real, targets, synth, half_a)
        nb, ties_b = nearest(real, targets, synth, half_b)
        link[role] = {'nearestA': na.tolist(), 'nearestB': nb.tolist(), 'linked': int(np.sum(na == nb)), 'tiedTargets': ties_a + ties_b}
    result['linkability'] = link

    inference = {'quasiIdentifiers': quasi, 'secret': 'diagnosis'}
    for role, targets in (('real', real), ('holdout', holdout)):
        nn, _ = nearest(real, targets, synth, quasi)
        guesses = synth['diagnosis'][nn]
        right = [bool(g == t) if (g is not None and t is not None) else (g is None and t is None) for g, t in zip(guesses, targets['diagnosis'])]
        inference[role] = {'nearest': nn.tolist(), 'guesses': [str(g) for g in guesses], 'right': right}
    result['inference'] = inference

    known = ['age', 'sex', 'smoker']
    present = real['bmi'][~np.isnan(real['bmi'])]
    tolerance = 0.05 * (present.max() - present.min())
    numeric = {'quasiIdentifiers': known, 'secret': 'bmi', 'tolerance': float(tolerance)}
    for role, targets in (('real', real), ('holdout', holdout)):
        nn, _ = nearest(real, targets, synth, known)
        guesses = synth['bmi'][nn]
        right = np.abs(guesses - targets['bmi']) <= tolerance
        numeric[role] = {'nearest': nn.tolist(), 'right': right.tolist()}
    result['inferenceNumeric'] = numeric

    result['wilson'] = []
    for k, n in WILSON_CASES:
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method='wilson')
        result['wilson'].append({'successes': k, 'trials': n, 'low': float(ci.low), 'high': float(ci.high)})

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(result, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
