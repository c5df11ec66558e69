"""Reference values for the table reader, computed independently with pandas.read_csv.

Run with Debian's Python after tablesFixtures.py:
    /usr/bin/python3 test/reference/tablesReference.py
Writes test/fixtures/tables/reference.json (committed). For every fixture CSV it records the shape,
column names, per-column missing counts, distinct counts, sums of numeric columns and a few cell
values, plus the file's SHA-256 and size (hashlib), which the reader's provenance must reproduce.
"""
import hashlib
import json
import math
import os

import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FILES = [
    'test/fixtures/tables/breast_cancer.csv',
    'test/fixtures/tables/diabetes.csv',
    'test/fixtures/tables/clinical_mixed.csv',
    'samples/workspace/patients.csv',
    'samples/workspace/breast_cancer.csv',
]
# The reader's missing-value tokens (documented in test/fixtures/README.md). pandas is told to use
# exactly these, so that both sides agree on what "missing" means.
NA_TOKENS = ['', 'NA', 'N/A', 'n/a', '#N/A', '<NA>', 'NaN', 'nan', 'null', 'NULL']


def plain(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, 'item'):
        return v.item()
    return v


def describe(rel):
    path = os.path.join(ROOT, rel)
    with open(path, 'rb') as f:
        data = f.read()
    df = pd.read_csv(path, keep_default_na=False, na_values=NA_TOKENS, encoding='utf-8-sig')
    columns = []
    for name in df.columns:
        s = df[name]
        col = {
            'name': name,
            'dtype': str(s.dtype),
            'missing': int(s.isna().sum()),
            'distinct': int(s.nunique(dropna=True)),
            'first': plain(s.iloc[0]),
            'last': plain(s.iloc[-1]),
        }
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            col['sum'] = float(s.sum(skipna=True))
            col['min'] = plain(s.min())
            col['max'] = plain(s.max())
        columns.append(col)
    return {
        'file': rel,
        'sha256': hashlib.sha256(data).hexdigest(),
        'bytes': len(data),
        'rows': int(df.shape[0]),
        'columns': columns,
    }


def main():
    out = {'generatedBy': 'test/reference/tablesReference.py', 'pandas': pd.__version__,
           'naTokens': NA_TOKENS, 'tables': [describe(f) for f in FILES]}
    dest = os.path.join(ROOT, 'test', 'fixtures', 'tables', 'reference.json')
    with open(dest, 'w', encoding='utf-8') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
