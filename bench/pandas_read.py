#!/usr/bin/python3
"""Reference side of bench/typing.ts (not named typing.py: that would shadow the standard typing module): pandas.read_csv on the same CSV file, default options (C parser,
dtype inference; no date parsing, since pandas only parses dates when asked), best of N runs after
one warm-up. Prints one JSON line with the seconds and the dtypes pandas chose.

Usage: /usr/bin/python3 bench/pandas_read.py <file.csv> <repeats>
"""
import json
import sys
import time

import pandas as pd


def main():
    path, repeats = sys.argv[1], int(sys.argv[2])
    frame = pd.read_csv(path)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        frame = pd.read_csv(path)
        times.append(time.perf_counter() - start)
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    print(json.dumps({'seconds': min(times), 'all': times, 'pandas': pd.__version__, 'rows': len(frame), 'dtypes': dtypes}))


if __name__ == '__main__':
    main()
