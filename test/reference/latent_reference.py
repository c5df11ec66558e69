#!/usr/bin/python3
"""Known-answer vectors for the latent noise generator (src/core/generators/latent.ts), computed from
its documented definition with Python integers, not from the TypeScript code:

- fmix32 is the 32-bit finalizer of MurmurHash3 (Austin Appleby, MurmurHash3.cpp, public domain):
  h ^= h >> 16; h *= 0x85ebca6b; h ^= h >> 13; h *= 0xc2b2ae35; h ^= h >> 16 (all mod 2^32).
- The row key chains fmix32 over the seed's and the row's low and high 32-bit words, each word xored
  in with its own odd constant (0x9e3779b9, 0x7f4a7c15, 0x94d049bb, 0xbf58476d).
- Uniform number c of a row: hi = fmix32(key + (2c+1) * 0x632be5ab) >> 5 (27 bits),
  lo = fmix32(key + (2c+2) * 0x632be5ab) >> 6 (26 bits), u = (hi * 2^26 + lo + 0.5) / 2^53.
- 'normal' is Box-Muller (Box & Muller 1958) on dimension pairs: r = sqrt(-2 ln u1),
  z0 = r cos(2 pi u2), z1 = r sin(2 pi u2), with u1, u2 the uniforms 2p and 2p+1 of pair p.
- Values are stored as float32 (round to nearest), so the vectors give each value's float32 bits.

Run: /usr/bin/python3 test/reference/latent_reference.py [OUT_DIR]
"""
import json
import math
import os
import platform
import sys

import numpy as np

M32 = 0xFFFFFFFF


def fmix32(h):
    h &= M32
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h


def row_key(seed, row):
    seed_lo, seed_hi = seed & M32, seed >> 32
    row_lo, row_hi = row & M32, row >> 32
    h = fmix32(seed_lo ^ 0x9E3779B9)
    h = fmix32(h ^ seed_hi ^ 0x7F4A7C15)
    h = fmix32(h ^ row_lo ^ 0x94D049BB)
    return fmix32(h ^ row_hi ^ 0xBF58476D)


def uniform(key, counter):
    hi = fmix32(key + (2 * counter + 1) * 0x632BE5AB) >> 5
    lo = fmix32(key + (2 * counter + 2) * 0x632BE5AB) >> 6
    # hi * 2^26 + lo + 0.5 is exact in a double (54 bits with the half); the division by 2^53 is exact.
    return (hi * 67108864 + lo + 0.5) / 9007199254740992


def latent_row(seed, row, dims, distribution):
    key = row_key(seed, row)
    if distribution == 'uniform':
        return [uniform(key, d) for d in range(dims)]
    out = []
    for d in range(0, dims, 2):
        p = d >> 1
        u1, u2 = uniform(key, 2 * p), uniform(key, 2 * p + 1)
        r = math.sqrt(-2 * math.log(u1))
        out.append(r * math.cos(2 * math.pi * u2))
        if d + 1 < dims:
            out.append(r * math.sin(2 * math.pi * u2))
    return out


def f32_bits(values):
    return [f'{int(b):08x}' for b in np.asarray(values, dtype=np.float32).view(np.uint32)]


# Seeds and rows cover zero, small values, values past 2^32 (the high words) and 2^53 - 1.
SEEDS = [0, 1, 42, 2**32 + 7, 2**53 - 1]
ROWS = [0, 1, 999, 2**32 + 3, 2**53 - 1]
DIMS = 7  # odd, so the last normal value is a cosine without its sine


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'latent')
    os.makedirs(out_dir, exist_ok=True)
    vectors = []
    for seed in SEEDS:
        for row in ROWS:
            for distribution in ('uniform', 'normal'):
                values = latent_row(seed, row, DIMS, distribution)
                vectors.append({'seed': seed, 'row': row, 'distribution': distribution, 'float32Hex': f32_bits(values),
                                'values': [float(np.float32(v)) for v in values]})
    doc = {
        '_provenance': {'script': 'test/reference/latent_reference.py', 'python': platform.python_version(), 'numpy': np.__version__},
        'dims': DIMS,
        'vectors': vectors,
    }
    with open(os.path.join(out_dir, 'known_answers.json'), 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
