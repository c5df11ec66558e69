#!/usr/bin/python3
"""Reference for privacy.attributeInference (src/core/metrics/attributeInference.ts), written from its
definition with scikit-learn and pandas (not from the TypeScript). Writes
test/fixtures/reference/attribute_inference.json.

Tables: samples/workspace/patients.csv, real = rows 1-300, holdout = rows 301-500, synthetic = a perturbed
copy of real (default_rng(5), the same perturbation as tstr_reference.py). Cases:
  diagnosis  secret diagnosis (6 classes), quasi-identifiers age:10, sex, smoker
  bmi        secret bmi (numeric, with gaps), quasi-identifiers age, sex, systolic_bp
For each model (LogisticRegression(C=1, newton-cholesky, one-vs-rest) or Ridge(alpha=1e-6), and
HistGradientBoosting with the hyper-parameters of tstr_reference.py), trained on the synthetic rows
(main) and on the holdout rows (baseline) to predict the secret from the quasi-identifier features
(tstr_reference.py's encoding: standardised numbers with "(empty)" indicators, one-hot labels, fitted on
the training rows; no generalisation), both scored on the real rows with a present secret: accuracy of the
argmax guess (classification) or R² (regression); risk = (main − base) / (1 − base), 0 when main ≤ base;
score = 1 − max risk.
CAP (SDMetrics' CategoricalCAP, from its definition: sdmetrics/single_table/privacy/cap.py and base.py):
key = the generalised quasi-identifiers (age → floor(age / 10); an empty cell a value of its own); for each
real row whose key occurs in the attacker's rows, the share of those rows with the real row's secret;
CAP = 1 − mean over the matched rows (0 when none matched). Attacker's rows: synthetic (cap) and holdout
(cap.baseline).
"""
import json
import math
import os

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import r2_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference', 'attribute_inference.json')
HGB = dict(learning_rate=0.1, max_iter=100, max_depth=3, max_leaf_nodes=None, min_samples_leaf=20, l2_regularization=0.0,
           max_bins=255, early_stopping=False)
KINDS = {
    'patient_id': 'identifier', 'admission_date': 'datetime', 'age': 'numeric', 'sex': 'categorical',
    'diagnosis': 'categorical', 'systolic_bp': 'numeric', 'bmi': 'numeric', 'smoker': 'boolean',
}


def tables():
    src = pd.read_csv(os.path.join(ROOT, 'samples', 'workspace', 'patients.csv'), dtype=str, keep_default_na=False)
    real = src.iloc[:300].reset_index(drop=True)
    holdout = src.iloc[300:500].reset_index(drop=True)
    rng = np.random.default_rng(5)
    n = len(real)
    syn = real.copy()
    syn['patient_id'] = [f'S{i + 1:05d}' for i in range(n)]
    dates = pd.to_datetime(real['admission_date']) + pd.to_timedelta(rng.integers(-30, 31, n), unit='D')
    syn['admission_date'] = dates.dt.strftime('%Y-%m-%d')
    da = rng.integers(-3, 4, n)
    syn['age'] = [('' if s == '' else str(int(float(s)) + int(d))) for s, d in zip(real['age'], da)]
    db = rng.normal(0, 8, n)
    syn['systolic_bp'] = [('' if s == '' else str(int(round(float(s) + d)))) for s, d in zip(real['systolic_bp'], db)]
    dm = rng.normal(0, 1, n)
    syn['bmi'] = [('' if s == '' else f'{float(s) + d:.1f}') for s, d in zip(real['bmi'], dm)]
    flip = rng.random(n) < 0.10
    syn['sex'] = [({'M': 'F', 'F': 'M'}.get(s, s) if f else s) for s, f in zip(real['sex'], flip)]
    flip = rng.random(n) < 0.15
    syn['smoker'] = [({'true': 'false', 'false': 'true'}.get(s, s) if f else s) for s, f in zip(real['smoker'], flip)]
    labels = sorted(x for x in real['diagnosis'].unique() if x != '')
    redraw = rng.random(n) < 0.15
    picks = rng.integers(0, len(labels), n)
    syn['diagnosis'] = [(labels[p] if r else s) for s, r, p in zip(real['diagnosis'], redraw, picks)]
    return real, syn, holdout


def encode(train, test, columns):
    tr, te = [], []
    for col in columns:
        kind = KINDS[col]
        if kind == 'numeric':
            v = pd.to_numeric(train[col].replace('', np.nan)).astype(float).to_numpy()
            w = pd.to_numeric(test[col].replace('', np.nan)).astype(float).to_numpy()
            present = ~np.isnan(v)
            mean = v[present].mean()
            imputed = np.where(present, v, mean)
            std = imputed.std()
            scale = 1.0 / std if std > 0 else 1.0
            tr.append((imputed - mean) * scale)
            te.append(np.where(np.isnan(w), 0.0, (w - mean) * scale))
            if not present.all():
                tr.append((~present).astype(float))
                te.append(np.isnan(w).astype(float))
        else:
            for label in [x for x in pd.unique(train[col]) if x != '']:
                tr.append((train[col] == label).to_numpy(dtype=float))
                te.append((test[col] == label).to_numpy(dtype=float))
    return np.column_stack(tr), np.column_stack(te)


def key(df, qis):
    parts = []
    for col, gen in qis:
        if KINDS[col] == 'numeric':
            parts.append(['' if s == '' else (str(math.floor(float(s) / gen)) if gen else s) for s in df[col]])
        else:
            parts.append([s[:gen] if gen else s for s in df[col]])
    return list(zip(*parts))


def cap(attacker, target, qis, secret):
    a = pd.DataFrame({'key': key(attacker, qis), 'secret': attacker[secret].to_numpy()})
    t = pd.DataFrame({'key': key(target, qis), 'secret': target[secret].to_numpy()})
    sizes = a.groupby('key').size()
    both = a.groupby(['key', 'secret']).size()
    shares = []
    for k, s in zip(t['key'], t['secret']):
        if k not in sizes.index:
            continue
        shares.append(both.get((k, s), 0) / sizes[k])
    return {'score': 0.0 if not shares else float(1 - np.mean(shares)), 'matched': len(shares), 'records': len(t)}


def run(name, secret, qis, real, syn, holdout):
    classification = KINDS[secret] in ('categorical', 'boolean')
    columns = [c for c, _ in qis]
    real_t = real[real[secret] != ''].reset_index(drop=True)
    out = {'name': name, 'secret': secret, 'quasiIdentifiers': [{'column': c, **({'generalise': g} if g else {})} for c, g in qis],
           'task': 'classification' if classification else 'regression', 'models': {}}
    models = ('logisticRegression', 'gradientBoosting') if classification else ('linearRegression', 'gradientBoosting')
    worst = 0.0
    for model in models:
        res = {}
        for role, train in (('synthetic', syn), ('holdout', holdout)):
            train = train[train[secret] != ''].reset_index(drop=True)
            xtr, xte = encode(train, real_t, columns)
            if classification:
                ytr = train[secret].to_numpy()
                multi = 'ovr' if len(set(ytr)) > 2 else 'auto'
                m = LogisticRegression(C=1.0, solver='newton-cholesky', tol=1e-14, max_iter=1000, multi_class=multi) \
                    if model == 'logisticRegression' else HistGradientBoostingClassifier(**HGB)
                m.fit(xtr, ytr)
                p = m.predict_proba(xte)
                guess = m.classes_[p.argmax(axis=1)]
                res[role] = {'accuracy': float(np.mean(guess == real_t[secret].to_numpy()))}
            else:
                ytr = pd.to_numeric(train[secret]).astype(float).to_numpy()
                m = Ridge(alpha=1e-6) if model == 'linearRegression' else HistGradientBoostingRegressor(**HGB)
                m.fit(xtr, ytr)
                res[role] = {'r2': float(r2_score(pd.to_numeric(real_t[secret]).astype(float), m.predict(xte)))}
        key_ = 'accuracy' if classification else 'r2'
        main, base = res['synthetic'][key_], res['holdout'][key_]
        risk = 0.0 if base >= 1 or main <= base else min(1.0, (main - base) / (1 - base))
        worst = max(worst, risk)
        out['models'][model] = {**res, 'risk': risk}
    out['score'] = 1 - worst
    if classification:
        out['cap'] = {**cap(syn[syn[secret] != ''], real_t, qis, secret), 'baseline': cap(holdout[holdout[secret] != ''], real_t, qis, secret)}
    return out


def main():
    real, syn, holdout = tables()
    cases = [
        run('diagnosis', 'diagnosis', [('age', 10), ('sex', None), ('smoker', None)], real, syn, holdout),
        run('bmi', 'bmi', [('age', None), ('sex', None), ('systolic_bp', None)], real, syn, holdout),
    ]
    # The CAP definition on a hand-checkable table: keys (a, x) ×3 with secrets s, s, t; (b, y) ×1 with u.
    syn_small = pd.DataFrame({'k1': ['a', 'a', 'a', 'b'], 'k2': ['x', 'x', 'x', 'y'], 's': ['s', 's', 't', 'u']})
    real_small = pd.DataFrame({'k1': ['a', 'a', 'b', 'c'], 'k2': ['x', 'x', 'y', 'z'], 's': ['s', 't', 'v', 's']})
    KINDS.update({'k1': 'categorical', 'k2': 'categorical', 's': 'categorical'})
    small = {'synth': syn_small.to_dict(orient='list'), 'real': real_small.to_dict(orient='list'),
             'cap': cap(syn_small, real_small, [('k1', None), ('k2', None)], 's')}
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump({'tables': {role: {c: t[c].tolist() for c in t.columns} for role, t in (('real', real), ('synth', syn), ('holdout', holdout))},
                   'kinds': {k: v for k, v in KINDS.items() if k in real.columns}, 'cases': cases, 'small': small}, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
