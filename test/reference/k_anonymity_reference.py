#!/usr/bin/python3
"""Reference for privacy.kAnonymity and privacy.lDiversity (src/core/metrics/kAnonymity.ts, lDiversity.ts):
equivalence classes by a brute-force pandas group-by on the reference CSV fixtures, written here from the
definitions and independently of the TypeScript. Writes test/fixtures/reference/k_anonymity.json.

Each quasi-identifier cell becomes a key: a missing cell the key 'missing' (a value of its own); a numeric
cell generalised by g the bin floor(x / g); a date generalised by g the bin floor(ms since 1970-01-01 UTC /
(g days)); a label generalised by g its first g characters; otherwise the exact value. Records are grouped with
DataFrame.groupby(keys, sort=False).size(); k = the smallest class, small classes are those below the
threshold, and l = the fewest distinct secret values (missing counted as one value, Series.nunique on the
keyed secret) in a class.

Tables: the sample patients split (patients_real.csv 300 rows / patients_synth.csv 200 rows, with gaps in
numbers, dates and categories) under several quasi-identifier sets, and the gaps table (gaps_real.csv /
gaps_synth.csv: categories, a boolean, an identifier and a text column with gaps everywhere).
"""
import json
import math
import os

import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REF = os.path.join(ROOT, 'test', 'fixtures', 'reference')
OUT = os.path.join(REF, 'k_anonymity.json')
DAY_MS = 86_400_000

CASES = [
    {'name': 'patients age:10,sex', 'files': ('patients_real.csv', 'patients_synth.csv', 'patients_types.json'),
     'quasiIdentifiers': [{'column': 'age', 'generalise': 10}, {'column': 'sex'}], 'secret': 'diagnosis'},
    {'name': 'patients age:10,sex,admission_date:30', 'files': ('patients_real.csv', 'patients_synth.csv', 'patients_types.json'),
     'quasiIdentifiers': [{'column': 'age', 'generalise': 10}, {'column': 'sex'}, {'column': 'admission_date', 'generalise': 30}],
     'secret': 'diagnosis', 'k': 3},
    {'name': 'patients sex,smoker,diagnosis:3', 'files': ('patients_real.csv', 'patients_synth.csv', 'patients_types.json'),
     'quasiIdentifiers': [{'column': 'sex'}, {'column': 'smoker'}, {'column': 'diagnosis', 'generalise': 3}], 'secret': 'bmi', 'k': 10},
    {'name': 'patients age,systolic_bp:2.5 (exact ages, fractional bins)', 'files': ('patients_real.csv', 'patients_synth.csv', 'patients_types.json'),
     'quasiIdentifiers': [{'column': 'age'}, {'column': 'systolic_bp', 'generalise': 2.5}], 'secret': 'smoker', 'k': 2},
    {'name': 'gaps ward,site,flag,grade', 'files': ('gaps_real.csv', 'gaps_synth.csv', 'gaps_types.json'),
     'quasiIdentifiers': [{'column': 'ward'}, {'column': 'site'}, {'column': 'flag'}, {'column': 'grade'}], 'secret': 'note'},
    {'name': 'gaps code:3,dose:2,site:1', 'files': ('gaps_real.csv', 'gaps_synth.csv', 'gaps_types.json'),
     'quasiIdentifiers': [{'column': 'code', 'generalise': 3}, {'column': 'dose', 'generalise': 2}, {'column': 'site', 'generalise': 1}],
     'secret': 'ward', 'k': 4},
]


def key(cell, kind, generalise):
    if cell == '':
        return 'missing'
    if kind == 'numeric':
        x = float(cell)
        return 'v' + repr(float(x) if generalise is None else float(math.floor(x / generalise)))
    if kind == 'datetime':
        ms = pd.Timestamp(cell, tz='UTC').value // 10**6
        return 'v' + repr(ms if generalise is None else math.floor(ms / (generalise * DAY_MS)))
    return 'v' + (cell if generalise is None else cell[: int(generalise)])


def summary(df, types, qis, secret, threshold):
    keys = pd.DataFrame({f'q{i}': [key(c, types.get(q['column'], 'numeric'), q.get('generalise')) for c in df[q['column']]] for i, q in enumerate(qis)})
    keys['secret'] = [key(c, types.get(secret, 'numeric'), None) for c in df[secret]]
    groups = keys.groupby([f'q{i}' for i in range(len(qis))], sort=False)
    sizes = groups.size()
    distinct = groups['secret'].nunique(dropna=False)
    small = sizes[sizes < threshold]
    homogeneous = sizes[distinct < 2]
    n = len(df)
    return {
        'records': n,
        'classes': int(len(sizes)),
        'k': int(sizes.min()),
        'smallClasses': int(len(small)),
        'recordsInSmallClasses': int(small.sum()),
        'shareInSmallClasses': float(small.sum() / n),
        'l': int(distinct.min()),
        'homogeneousClasses': int(len(homogeneous)),
        'recordsInHomogeneousClasses': int(homogeneous.sum()),
        'shareDiverse': float(1 - homogeneous.sum() / n),
    }


def main():
    out = []
    for case in CASES:
        real_file, synth_file, types_file = case['files']
        with open(os.path.join(REF, types_file), encoding='utf-8') as f:
            types = json.load(f)
        threshold = case.get('k', 5)
        tables = {}
        for role, file in (('real', real_file), ('synthetic', synth_file)):
            df = pd.read_csv(os.path.join(REF, file), dtype=str, keep_default_na=False)
            tables[role] = summary(df, types, case['quasiIdentifiers'], case['secret'], threshold)
        out.append({
            'name': case['name'],
            'real': real_file,
            'synth': synth_file,
            'types': types_file,
            'quasiIdentifiers': case['quasiIdentifiers'],
            'secret': case['secret'],
            **({'k': case['k']} if 'k' in case else {}),
            'expected': tables,
            'kAnonymityScore': 1 - tables['synthetic']['shareInSmallClasses'],
            'lDiversityScore': tables['synthetic']['shareDiverse'],
        })
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump({'cases': out}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
