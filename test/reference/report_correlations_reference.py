#!/usr/bin/python3
"""Reference correlation matrices for the report's heatmaps (src/core/report/correlationMatrix.ts),
computed independently with pandas: DataFrame.corr() is Pearson over pairwise-complete rows, the rule
fidelity.correlationSimilarity follows. Dates are taken as epoch milliseconds, as the table model holds them.

Writes test/fixtures/reference/report_correlations.json for samples/workspace/patients.csv, whose
systolic_bp and bmi have empty cells (so the pairwise-complete rule is exercised).

Run: /usr/bin/python3 test/reference/report_correlations_reference.py
"""
import json
import os

import numpy as np
import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference', 'report_correlations.json')


def matrix(path, columns, dates=()):
    df = pd.read_csv(os.path.join(ROOT, path))
    for c in dates:
        df[c] = pd.to_datetime(df[c], utc=True).astype('int64') / 1e6
    corr = df[columns].astype(float).corr(method='pearson')
    return [[None if np.isnan(v) else float(v) for v in row] for row in corr.values.tolist()]


def main():
    out = {
        'tool': f'pandas {pd.__version__}, numpy {np.__version__}',
        'script': 'test/reference/report_correlations_reference.py',
        'patients': {
            'file': 'samples/workspace/patients.csv',
            'columns': ['admission_date', 'age', 'systolic_bp', 'bmi'],
            'matrix': matrix('samples/workspace/patients.csv', ['admission_date', 'age', 'systolic_bp', 'bmi'], dates=['admission_date']),
        },
    }
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
