#!/usr/bin/python3
"""Reference for utility.tstr (src/core/metrics/utility/): scikit-learn on the same data, with the features
written here in pandas/numpy from the definition in features.ts (not from the TypeScript). Writes
test/fixtures/reference/tstr.json.

scores   roc_auc_score (binary with ties; multi_class='ovr' macro), balanced_accuracy_score, r2_score and
         mean_absolute_error on given predictions (numpy default_rng(1)).
cases    tables with a target; for each run (trtr: trained on real, tstr: trained on synthetic; both tested
         on the holdout):
           features  numeric/datetime standardised with the training mean and population std (an empty
                     cell = the mean, i.e. 0, plus an "(empty)" 0/1 feature when a training cell is empty),
                     categorical/boolean one-hot over the training labels in first-seen order (unknown and
                     empty = all zeros), identifier/text and the target dropped; rows with an empty target
                     left out
           logistic  LogisticRegression(C=1, solver='newton-cholesky', tol=1e-14, max_iter=1000), one-vs-rest
                     (multi_class='ovr') for more than two classes: coefficients, intercepts, test proba
           ridge     Ridge(alpha=1e-6): coefficients, intercept, test predictions
           hgb       HistGradientBoostingClassifier / Regressor(learning_rate=0.1, max_iter=100, max_depth=3,
                     max_leaf_nodes=None, min_samples_leaf=20, l2_regularization=0, max_bins=255,
                     early_stopping=False) on the same features
           scores    per model AUROC + balanced accuracy (classification, predictions = argmax of proba) or
                     R² + MAE (regression) on the holdout
  patients*   samples/workspace/patients.csv: real = rows 1-300, holdout = rows 301-500, synthetic = a
              perturbed copy of real (default_rng(5): ages ±3, blood pressure + N(0, 8), BMI + N(0, 1),
              dates ±30 days, 10% of sexes and 15% of smokers flipped, 15% of diagnoses redrawn); targets
              smoker (boolean), diagnosis (6 classes), systolic_bp (numeric, with gaps)
  nonlinear*  numpy default_rng(11): x1..x4 ~ N(0, 1), c in {a, b, c}; binary target
              1[x1·x2 + sin(2 x3) + (c = a) + N(0, .5) > 0], regression target x1² + 2 sin(2 x2) + x3 x4 +
              N(0, .3); real 1200 rows, holdout 600, synthetic an independent 1200-row draw (rng continues)
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import balanced_accuracy_score, mean_absolute_error, r2_score, roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference', 'tstr.json')
HGB = dict(learning_rate=0.1, max_iter=100, max_depth=3, max_leaf_nodes=None, min_samples_leaf=20, l2_regularization=0.0,
           max_bins=255, early_stopping=False)
PATIENT_KINDS = {
    'patient_id': 'identifier', 'admission_date': 'datetime', 'age': 'numeric', 'sex': 'categorical',
    'diagnosis': 'categorical', 'systolic_bp': 'numeric', 'bmi': 'numeric', 'smoker': 'boolean',
}


def fl(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def score_fixture():
    rng = np.random.default_rng(1)
    yb = rng.integers(0, 2, 300)
    sb = np.round(rng.normal(yb * 0.8, 1.0, 300), 1)  # rounded: many ties
    ym = rng.integers(0, 4, 400)
    raw = rng.normal(0, 1, (400, 4)) + np.eye(4)[ym] * 1.2
    pm = np.exp(raw) / np.exp(raw).sum(axis=1, keepdims=True)
    pred = pm.argmax(axis=1)
    yr = rng.normal(0, 2, 250)
    pr = yr + rng.normal(0, 1, 250)
    return {
        'binary': {'truth': yb.tolist(), 'scores': fl(sb), 'auroc': float(roc_auc_score(yb, sb))},
        'multiclass': {'truth': ym.tolist(), 'proba': fl(pm), 'classes': 4,
                       'auroc': float(roc_auc_score(ym, pm, multi_class='ovr', average='macro')),
                       'predicted': pred.tolist(), 'balancedAccuracy': float(balanced_accuracy_score(ym, pred))},
        'regression': {'truth': fl(yr), 'predicted': fl(pr), 'r2': float(r2_score(yr, pr)), 'mae': float(mean_absolute_error(yr, pr))},
    }


def column_values(df, col, kind):
    s = df[col]
    if kind == 'numeric':
        return pd.to_numeric(s.replace('', np.nan)).astype(float).to_numpy()
    if kind == 'datetime':
        d = pd.to_datetime(s.replace('', np.nan))
        out = (d - pd.Timestamp('1970-01-01')) / pd.Timedelta(milliseconds=1)
        return out.astype(float).to_numpy()
    return s.to_numpy(dtype=object)


def encode(train, tests, kinds, target):
    """Feature names, the training matrix and the test matrices (see the header)."""
    names, tr_cols, te_cols = [], [], [[] for _ in tests]
    for col, kind in kinds.items():
        if col == target or kind in ('identifier', 'text'):
            continue
        if kind in ('numeric', 'datetime'):
            v = column_values(train, col, kind)
            present = ~np.isnan(v)
            mean = v[present].mean()
            imputed = np.where(present, v, mean)
            std = imputed.std()
            scale = 1.0 / std if std > 0 else 1.0
            empty = not present.all()
            names.append(col)
            tr_cols.append((imputed - mean) * scale)
            if empty:
                names.append(f'{col} (empty)')
                tr_cols.append((~present).astype(float))
            for t, out in zip(tests, te_cols):
                w = column_values(t, col, kind)
                out.append(np.where(np.isnan(w), 0.0, (w - mean) * scale))
                if empty:
                    out.append(np.isnan(w).astype(float))
        else:
            labels = [x for x in pd.unique(train[col]) if x != '']
            for label in labels:
                names.append(f'{col}={label}')
                tr_cols.append((train[col] == label).to_numpy(dtype=float))
                for t, out in zip(tests, te_cols):
                    out.append((t[col] == label).to_numpy(dtype=float))
    n = len(train)
    xtr = np.column_stack(tr_cols) if tr_cols else np.zeros((n, 0))
    xte = [np.column_stack(c) if c else np.zeros((len(t), 0)) for c, t in zip(te_cols, tests)]
    return names, xtr, xte


def table_fixture(kinds, real, synth, holdout):
    return {'kinds': kinds, **{role: {c: t[c].tolist() for c in kinds} for role, t in (('real', real), ('synth', synth), ('holdout', holdout))}}


def run_case(name, table, kinds, target, real, synth, holdout):
    kind = kinds[target]
    classification = kind in ('categorical', 'boolean')
    holdout_t = holdout[holdout[target] != '']
    case = {'name': name, 'table': table, 'kinds': kinds, 'target': target,
            'task': 'classification' if classification else 'regression'}
    if classification:
        classes = sorted(set(holdout_t[target]))
        case['classes'] = classes
        y_test = holdout_t[target].to_numpy()
    else:
        y_test = pd.to_numeric(holdout_t[target]).astype(float).to_numpy()
    for run, train in (('trtr', real), ('tstr', synth)):
        train = train[train[target] != ''].reset_index(drop=True)
        names, xtr, (xte,) = encode(train, [holdout_t.reset_index(drop=True)], kinds, target)
        out = {'featureNames': names, 'xFirst': [fl(r) for r in xtr[:5]], 'rows': len(train), 'scores': {}}
        if classification:
            ytr = train[target].to_numpy()
            model_classes = sorted(set(ytr))
            multi = 'ovr' if len(model_classes) > 2 else 'auto'
            lr = LogisticRegression(C=1.0, solver='newton-cholesky', tol=1e-14, max_iter=1000, multi_class=multi).fit(xtr, ytr)
            hgb = HistGradientBoostingClassifier(**HGB).fit(xtr, ytr)
            out['logistic'] = {'coef': [fl(r) for r in lr.coef_], 'intercept': fl(lr.intercept_)}
            for model_name, model in (('logisticRegression', lr), ('gradientBoosting', hgb)):
                p = model.predict_proba(xte)
                # Re-index to the holdout's classes (a class the model lacks gets 0).
                pe = np.column_stack([p[:, list(model.classes_).index(c)] if c in model.classes_ else np.zeros(len(xte))
                                      for c in classes])
                pred = np.array(classes)[pe.argmax(axis=1)]
                auroc = roc_auc_score(y_test, pe[:, 1]) if len(classes) == 2 else \
                    roc_auc_score(y_test, pe / pe.sum(axis=1, keepdims=True), multi_class='ovr', labels=classes)
                out['scores'][model_name] = {'auroc': float(auroc), 'balancedAccuracy': float(balanced_accuracy_score(y_test, pred))}
                if model_name == 'logisticRegression':
                    out['logistic']['probaFirst'] = [fl(r) for r in pe[:5]]
        else:
            ytr = pd.to_numeric(train[target]).astype(float).to_numpy()
            rg = Ridge(alpha=1e-6).fit(xtr, ytr)
            hgb = HistGradientBoostingRegressor(**HGB).fit(xtr, ytr)
            out['ridge'] = {'coef': fl(rg.coef_), 'intercept': float(rg.intercept_), 'pred': fl(rg.predict(xte))}
            for model_name, model in (('linearRegression', rg), ('gradientBoosting', hgb)):
                p = model.predict(xte)
                out['scores'][model_name] = {'r2': float(r2_score(y_test, p)), 'mae': float(mean_absolute_error(y_test, p))}
        case[run] = out
    return case


def patients():
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


def nonlinear():
    rng = np.random.default_rng(11)

    def draw(n):
        x = rng.normal(0, 1, (n, 4))
        c = rng.choice(['a', 'b', 'c'], n)
        yb = (x[:, 0] * x[:, 1] + np.sin(2 * x[:, 2]) + (c == 'a') + rng.normal(0, 0.5, n) > 0)
        yr = x[:, 0] ** 2 + 2 * np.sin(2 * x[:, 1]) + x[:, 2] * x[:, 3] + rng.normal(0, 0.3, n)
        df = pd.DataFrame({f'x{j + 1}': [f'{v:.6f}' for v in x[:, j]] for j in range(4)})
        df['c'] = c
        df['y_bin'] = np.where(yb, 'true', 'false')
        df['y_reg'] = [f'{v:.6f}' for v in yr]
        return df

    return draw(1200), draw(600), draw(1200)


def main():
    real, syn, holdout = patients()
    cases = [run_case(f'patients/{t}', 'patients', PATIENT_KINDS, t, real, syn, holdout) for t in ('smoker', 'diagnosis', 'systolic_bp')]
    nreal, nhold, nsyn = nonlinear()
    base = {'x1': 'numeric', 'x2': 'numeric', 'x3': 'numeric', 'x4': 'numeric', 'c': 'categorical'}
    cases.append(run_case('nonlinear/y_bin', 'nonlinear', {**base, 'y_bin': 'boolean'}, 'y_bin', nreal, nsyn, nhold))
    cases.append(run_case('nonlinear/y_reg', 'nonlinear', {**base, 'y_reg': 'numeric'}, 'y_reg', nreal, nsyn, nhold))
    tables = {'patients': table_fixture(PATIENT_KINDS, real, syn, holdout),
              'nonlinear': table_fixture({**base, 'y_bin': 'boolean', 'y_reg': 'numeric'}, nreal, nsyn, nhold)}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump({'scores': score_fixture(), 'tables': tables, 'cases': cases}, f, indent=None, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
