"""Parse time of breast_cancer.csv x 100 (56,900 rows x 31 columns): pandas.read_csv vs MedSynth's
readTableFile, in one run on the same file. A measurement, never a test assertion.

    /usr/bin/python3 test/reference/tablesParseTiming.py
"""
import json
import os
import subprocess
import tempfile
import time

import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SOURCE = os.path.join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv')
REPEATS = 3


def main():
    with open(SOURCE, encoding='utf-8') as f:
        header, *rows = f.read().splitlines()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'breast_cancer_x100.csv')
        with open(path, 'w', encoding='utf-8') as out:
            out.write(header + '\n')
            for _ in range(100):
                out.write('\n'.join(rows) + '\n')
        best = float('inf')
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            df = pd.read_csv(path)
            best = min(best, time.perf_counter() - t0)
        node = subprocess.run(['node', '--import', 'tsx', 'test/reference/tablesParseTiming.ts', path, str(REPEATS)],
                              cwd=ROOT, check=True, capture_output=True, text=True)
        ours = json.loads(node.stdout.strip().splitlines()[-1])
        size = os.path.getsize(path)
    print(json.dumps({
        'file': f'breast_cancer.csv x 100 ({size} bytes)',
        'rows': [int(df.shape[0]), ours['rows']],
        'pandasReadCsvMs': round(best * 1000, 1),
        'medsynthReadTableFileMs': round(ours['ms'], 1),
        'ratio': round(ours['ms'] / (best * 1000), 2),
    }))


if __name__ == '__main__':
    main()
