"""Writes the CSV dialect fixtures and pandas.read_csv's reading of each (the reference).

Run with Debian's Python (python3-pandas):
    /usr/bin/python3 test/reference/dialectsReference.py
It writes test/fixtures/tables/dialects/*.csv (the texts below, made up in the shapes of real files:
Debian's distro-info debian.csv, matplotlib's sample_data/Stocks.csv, scikit-learn's
linnerud_*.csv, a European spreadsheet export, a Windows-1252 export), a copy of scikit-learn's
linnerud_physiological.csv, and reference.json with, per file, the read_csv arguments a user would
pick by hand, the column names and every cell (None for missing). Deterministic: re-running it
reproduces the committed files byte for byte.
"""
import hashlib
import json
import math
import os
import shutil
import sys

import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'tables', 'dialects')
LINNERUD = '/usr/lib/python3/dist-packages/sklearn/datasets/data/linnerud_physiological.csv'
# The reader's missing tokens (src/core/data/table/cellValues.ts MISSING_TOKENS).
NA = ['', 'NA', 'N/A', 'n/a', '#N/A', '<NA>', 'NaN', 'nan', 'null', 'NULL']

# Trailing empty fields left out, as debian.csv writes releases without an end of life yet; the
# last line has no line end, as there.
TRAILING = (
    'version,codename,site,opened,closed,followup_end,archive_end\n'
    '1.0,Alder,north,2019-03-01,2020-06-30,2022-06-30,2029-06-30\n'
    '1.1,Birch,north,2020-07-01,2021-12-31,2023-12-31\n'
    '2.0,Cedar,south,2022-01-01,2023-06-30\n'
    '2.1,Dogwood,south,2023-07-01\n'
    ',Elm,east,2019-03-01'
)

# '#' lines before the header, as matplotlib's Stocks.csv starts with '# Data source: ...'.
COMMENTS = (
    '# Data source: made up for the MedSynth reader tests\n'
    '# Units: beds occupied at midnight\n'
    'date,ward_a,ward_b,ward_c\n'
    '2024-01-01,12.5,7.25,\n'
    '2024-02-01,13,,3.5\n'
    '2024-02-05,,,\n'
    '2024-03-01,11.75,8,4\n'
)

# Blank-separated and aligned, with blanks before the first field, as fixed-width exports are.
WHITESPACE = (
    ' age  weight  pulse\n'
    '  61    72.5     64\n'
    '  54    80       71\n'
    '   7    21.25   102\n'
)

# A European-locale spreadsheet export: ';' between fields, ',' before decimals; `dose` mixes
# numbers and units, so it stays text.
SEMICOLON = (
    'patient;weight_kg;height_m;dose;ward\n'
    'P01;72,5;1,80;2,5 mg;A\n'
    'P02;80;1,75;5 mg;B\n'
    'P03;;1,62;2,5 mg;A\n'
    'P04;91,25;1,9;10 mg;C\n'
)

# Windows-1252 ("Latin-1") text; the euro sign (byte 0x80) exists only in Windows-1252.
LATIN1 = (
    'patient,city,unit,temp_c,note\n'
    'P01,Zürich,µg/l,36.6,café\n'
    'P02,Genève,mg/dl,37.2,naïve\n'
    'P03,Málaga,°C,38.1,€ 12\n'
)

FILES = [
    ('trailing_fields.csv', TRAILING.encode('utf-8'), {'sep': ','}),
    ('comments.csv', COMMENTS.encode('utf-8'), {'sep': ',', 'comment': '#'}),
    ('whitespace.csv', WHITESPACE.encode('utf-8'), {'sep': r'\s+'}),
    ('semicolon_decimal.csv', SEMICOLON.encode('utf-8'), {'sep': ';', 'decimal': ','}),
    ('latin1.csv', LATIN1.encode('cp1252'), {'sep': ',', 'encoding': 'cp1252'}),
    ('linnerud_physiological.csv', None, {'sep': r'\s+'}),
]


def cell(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, 'item'):
        v = v.item()
    return v


def main():
    os.makedirs(OUT, exist_ok=True)
    tables = []
    for name, data, kwargs in FILES:
        path = os.path.join(OUT, name)
        if data is None:
            shutil.copyfile(LINNERUD, path)
        else:
            with open(path, 'wb') as f:
                f.write(data)
        with open(path, 'rb') as f:
            raw = f.read()
        frame = pd.read_csv(path, keep_default_na=False, na_values=NA, **kwargs)
        tables.append({
            'file': name,
            'sha256': hashlib.sha256(raw).hexdigest(),
            'read_csv': kwargs,
            'rows': int(frame.shape[0]),
            'columns': [
                {'name': str(c), 'dtype': str(frame[c].dtype), 'values': [cell(v) for v in frame[c].tolist()]}
                for c in frame.columns
            ],
        })
    reference = {
        'script': 'test/reference/dialectsReference.py',
        'python': sys.version.split()[0],
        'pandas': pd.__version__,
        'naTokens': NA,
        'tables': tables,
    }
    with open(os.path.join(OUT, 'reference.json'), 'w', encoding='utf-8', newline='\n') as f:
        json.dump(reference, f, indent=1, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    main()
