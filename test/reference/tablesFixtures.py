"""Writes the table fixtures and the bundled sample workspace tables.

Run with Debian's Python (it sees python3-sklearn, numpy and pandas):
    /usr/bin/python3 test/reference/tablesFixtures.py
The outputs are committed; the TypeScript tests never run this script. It is deterministic (seeded),
so re-running it reproduces the committed files byte for byte.
"""
import csv
import gzip
import json
import os
import sys
from datetime import datetime, timedelta, timezone

import numpy as np
from sklearn.datasets import load_breast_cancer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SKLEARN_DATA = '/usr/lib/python3/dist-packages/sklearn/datasets/data'
TABLES = os.path.join(ROOT, 'test', 'fixtures', 'tables')
BAD = os.path.join(TABLES, 'bad')
SAMPLES = os.path.join(ROOT, 'samples', 'workspace')


def snake(name):
    return name.replace(' ', '_')


def write_breast_cancer(path):
    # The shipped file starts with a non-standard line "569,30,malignant,benign" (row count, feature
    # count, class names). Replace it with the feature names scikit-learn itself attaches, and keep
    # every data line exactly as shipped so the numbers are the original text.
    names = [snake(n) for n in load_breast_cancer().feature_names] + ['target']
    with open(os.path.join(SKLEARN_DATA, 'breast_cancer.csv'), encoding='utf-8') as f:
        lines = f.read().splitlines()
    assert lines[0] == '569,30,malignant,benign', lines[0]
    with open(path, 'w', encoding='utf-8', newline='') as out:
        out.write(','.join(names) + '\n')
        for line in lines[1:]:
            out.write(line + '\n')


def write_diabetes(path):
    # The raw (unscaled) diabetes data: 442 rows, 10 space-separated features, and the target in a
    # second file. Column names follow scikit-learn's documentation.
    names = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6', 'target']
    with gzip.open(os.path.join(SKLEARN_DATA, 'diabetes_data_raw.csv.gz'), 'rt') as f:
        rows = [line.split() for line in f.read().splitlines() if line.strip()]
    with gzip.open(os.path.join(SKLEARN_DATA, 'diabetes_target.csv.gz'), 'rt') as f:
        target = [line.strip() for line in f.read().splitlines() if line.strip()]
    assert len(rows) == len(target) == 442
    with open(path, 'w', encoding='utf-8', newline='') as out:
        out.write(','.join(names) + '\n')
        for r, t in zip(rows, target):
            # The target file stores integers as floats ("1.510000000000000000e+02"): write them plainly.
            out.write(','.join(r + [repr(int(float(t)))]) + '\n')


def write_patients(path, n=500, seed=20260101):
    # Made-up patients: no real person is described. Seeded so the file is reproducible.
    rng = np.random.default_rng(seed)
    diagnoses = ['hypertension', 'type 2 diabetes', 'COPD', 'heart failure', 'pneumonia', 'asthma']
    probs = [0.3, 0.22, 0.14, 0.12, 0.12, 0.1]
    start = np.datetime64('2022-01-01')
    with open(path, 'w', encoding='utf-8', newline='') as out:
        w = csv.writer(out, lineterminator='\n')
        w.writerow(['patient_id', 'admission_date', 'age', 'sex', 'diagnosis', 'systolic_bp', 'bmi', 'smoker'])
        for i in range(n):
            age = int(np.clip(rng.normal(58, 16), 18, 95))
            sex = 'F' if rng.random() < 0.52 else 'M'
            dx = diagnoses[rng.choice(len(diagnoses), p=probs)]
            date = str(start + np.timedelta64(int(rng.integers(0, 3 * 365)), 'D'))
            sbp = int(round(105 + 0.45 * age + (12 if dx == 'hypertension' else 0) + rng.normal(0, 12)))
            bmi = round(float(rng.normal(27.5 if dx != 'type 2 diabetes' else 31, 4.5)), 1)
            smoker = 'true' if rng.random() < (0.35 if dx == 'COPD' else 0.18) else 'false'
            row = [f'P{i + 1:05d}', date, age, sex, dx, sbp, bmi, smoker]
            if rng.random() < 0.05:
                row[6] = ''
            if rng.random() < 0.03:
                row[5] = ''
            if rng.random() < 0.02:
                row[7] = ''
            w.writerow(row)


def write_bad(folder):
    def put(name, data):
        with open(os.path.join(folder, name), 'wb') as f:
            f.write(data)

    put('empty.csv', b'')
    put('header_only.csv', b'age,sex,bmi\n')
    put('ragged.csv', b'age,sex,bmi\n61,F,27.1\n54,M,27.9,extra\n70,F,30.2\n')
    put('unterminated.csv', b'id,note\n1,"fine"\n2,"never closed\n3,ok\n')
    # A Latin-1 file read as UTF-8: the bytes of "Müller" and "café" are not valid UTF-8.
    put('garbled.csv', 'name,city\nM\u00fcller,Z\u00fcrich\ncaf\u00e9,Gen\u00e8ve\n'.encode('latin-1'))
    # A gzip header followed by binary bytes: what a renamed .csv.gz looks like.
    put('binary.csv', b'\x1f\x8b\x08\x00\x00\x00\x00\x00' + bytes(range(256)))
    put('duplicate_header.csv', b'age,sex,age\n61,F,62\n')
    put('bad_quote.csv', b'id,note\n1,"closed"trailing\n')
    put('ragged.jsonl', b'{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\nnot json\n')


CLINICAL_MIXED = """\
patient_id,admission_date,discharge_time,age,sex,diagnosis,smoker,weight_kg,ward,notes
P001,2023-01-04,2023-01-09T14:30:00,67,F,hypertension,no,71.5,A,stable
P002,2023-01-05,2023-01-06T09:15:00,54,M,"Diabetes, type 2",yes,98.2,B,"said ""fine"" on rounds"
P003,2023-01-05,,NA,F,COPD,no,,A,
P004,2023-01-07,2023-01-15T18:00:00,81,M,heart failure,NA,80,C,"two
lines"
P005,2023-01-09,2023-01-10T08:45:00,45,F,hypertension,yes,65.25,B,follow up
P006,2023-01-11,2023-01-13T12:00:00,73,F,COPD,no,N/A,A,
P007,2023-01-12,2023-01-20T16:20:00,60,M,"Diabetes, type 2",No,102.4,C,insulin
P008,2023-01-15,2023-01-16T10:05:00,38,F,asthma,YES,59.8,B,
P009,2023-01-18,2023-01-25T07:30:00,88,M,heart failure,no,77.1,C,"transferred; ward C"
P010,2023-01-20,2023-01-22T13:45:00,52,F,hypertension,,68.9,A,
"""


def write_clinical_mixed(path):
    # Hand-made, made-up rows. Written with a UTF-8 byte-order mark and CRLF line ends (as Excel on
    # Windows saves CSV), except inside the quoted two-line note, which keeps a bare LF.
    text = CLINICAL_MIXED.replace('\n', '\r\n').replace('"two\r\nlines"', '"two\nlines"')
    with open(path, 'wb') as f:
        f.write(b'\xef\xbb\xbf' + text.encode('utf-8'))


def write_numeric_ids(source, path):
    # samples/workspace/patients.csv with integer patient ids 100001..100500 instead of P00001..:
    # the shape of an EHR export whose key is a number. Every other cell is kept as is.
    with open(source, encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == 'patient_id'
    with open(path, 'w', encoding='utf-8', newline='') as out:
        w = csv.writer(out, lineterminator='\n')
        w.writerow(rows[0])
        for i, row in enumerate(rows[1:]):
            w.writerow([str(100001 + i)] + row[1:])


# Each column of clinical_dates.csv: its name, the strptime/strftime format Python reads and writes
# it with, and the format string MedSynth is expected to infer (our own notation, datetimeFormat.ts).
DATE_COLUMNS = [
    ('dmon_yy', '%d-%b-%y', 'DD-Mon-YY'),
    ('dmon_yyyy', '%d-%b-%Y', 'DD-Mon-YYYY'),
    ('iso_date', '%Y-%m-%d', 'YYYY-MM-DD'),
    ('us_date', '%m/%d/%Y', 'MM/DD/YYYY'),
    ('eu_date', '%d/%m/%Y', 'DD/MM/YYYY'),
    ('eu_dotted', '%d.%m.%Y', 'DD.MM.YYYY'),
    ('ambiguous_date', '%m/%d/%Y', 'MM/DD/YYYY'),
    ('iso_offset', '%Y-%m-%dT%H:%M:%S%z', None),
    ('iso_utc', '%Y-%m-%dT%H:%M:%SZ', 'YYYY-MM-DDTHH:mm:ssZ'),
    ('iso_minutes', '%Y-%m-%d %H:%M', 'YYYY-MM-DD HH:mm'),
    ('iso_millis', '%Y-%m-%dT%H:%M:%S.%f', 'YYYY-MM-DDTHH:mm:ss.SSS'),
    ('us_datetime_12h', '%m/%d/%Y %I:%M %p', 'MM/DD/YYYY hh:mm A'),
]


def write_clinical_dates(csv_path, json_path, n=60, seed=20030919):
    # Made-up dates in the spellings clinical exports use. Python's strftime writes each cell and
    # datetime.strptime (with the column's explicit format) gives the reference instant, so the
    # TypeScript reader is checked against the standard library, not against itself.
    rng = np.random.default_rng(seed)
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    base = datetime(1995, 1, 1)
    zones = [timezone(timedelta(hours=2)), timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]
    cells = {name: [] for name, _, _ in DATE_COLUMNS}
    for i in range(n):
        for name, fmt, _ in DATE_COLUMNS:
            if i % 17 == 5 and name != 'ambiguous_date':
                cells[name].append('')
                continue
            t = base + timedelta(days=int(rng.integers(0, 40 * 365)), seconds=int(rng.integers(0, 86400)), microseconds=int(rng.integers(0, 1000)) * 1000)
            if name == 'ambiguous_date':
                t = datetime(int(rng.integers(1990, 2025)), int(rng.integers(1, 13)), int(rng.integers(1, 13)))
            if name == 'dmon_yy' and i < 2:
                # The two-digit-year pivot: 68 is 2068 and 69 is 1969 (POSIX, Python %y).
                t = datetime(2068 if i == 0 else 1969, 12, 31)
            if name in ('us_date', 'eu_date', 'us_datetime_12h') and i == 0:
                t = datetime(2003, 12, 25, 0, 5)  # a day above 12 fixes the order; 12:05 AM is just after midnight
            if name == 'iso_offset':
                t = t.replace(tzinfo=zones[int(rng.integers(0, 2)) if i != 3 else 2])
            text = t.strftime(fmt)
            if name == 'iso_offset':
                text = text[:-2] + ':' + text[-2:]  # +0200 -> +02:00, the ISO 8601 extended form
            if name == 'iso_millis':
                text = text[:-3]  # %f is microseconds; keep milliseconds
            cells[name].append(text)
    expected = {'rows': n, 'python': sys.version.split()[0], 'columns': []}
    for name, fmt, ours in DATE_COLUMNS:
        ms = []
        for text in cells[name]:
            if text == '':
                ms.append(None)
                continue
            if name == 'iso_offset':
                t = datetime.strptime(text, '%Y-%m-%dT%H:%M:%S%z')
            elif name == 'iso_millis':
                t = datetime.strptime(text, '%Y-%m-%dT%H:%M:%S.%f').replace(tzinfo=timezone.utc)
            else:
                t = datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
            delta = t - epoch
            ms.append(delta.days * 86400000 + delta.seconds * 1000 + delta.microseconds // 1000)
        if ours is None:
            # Values keep their own offsets when read; writing uses the column's commonest offset.
            offsets = sorted({t[-6:] for t in cells[name] if t}, key=lambda z: (-sum(t.endswith(z) for t in cells[name]), cells[name].index(next(t for t in cells[name] if t.endswith(z)))))
            ours = 'YYYY-MM-DDTHH:mm:ss' + offsets[0]
        expected['columns'].append({'name': name, 'strptime': fmt, 'format': ours, 'epochMs': ms})
    with open(csv_path, 'w', encoding='utf-8', newline='') as out:
        w = csv.writer(out, lineterminator='\n')
        w.writerow([name for name, _, _ in DATE_COLUMNS])
        for i in range(n):
            w.writerow([cells[name][i] for name, _, _ in DATE_COLUMNS])
    with open(json_path, 'w', encoding='utf-8') as out:
        json.dump(expected, out, indent=1)
        out.write('\n')


def main():
    os.makedirs(BAD, exist_ok=True)
    os.makedirs(SAMPLES, exist_ok=True)
    write_breast_cancer(os.path.join(TABLES, 'breast_cancer.csv'))
    write_breast_cancer(os.path.join(SAMPLES, 'breast_cancer.csv'))
    write_diabetes(os.path.join(TABLES, 'diabetes.csv'))
    write_clinical_mixed(os.path.join(TABLES, 'clinical_mixed.csv'))
    write_patients(os.path.join(SAMPLES, 'patients.csv'))
    write_numeric_ids(os.path.join(SAMPLES, 'patients.csv'), os.path.join(TABLES, 'patients_numeric_ids.csv'))
    write_clinical_dates(os.path.join(TABLES, 'clinical_dates.csv'), os.path.join(TABLES, 'clinical_dates.json'))
    write_bad(BAD)


if __name__ == '__main__':
    main()
