// Seeded latent noise that shards reproduce: every value is a pure function of (seed, row, dim), so a
// run split into `--shard i/k` pieces concatenates to exactly the single run.
//
// The generator is counter-based: a 32-bit avalanche hash (the murmur3 finalizer, chained over the
// seed and row words) of the counter gives independent uniforms without any sequential state.

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;

/** The per-row key: a chain of hashes over the seed and row words, computed once per row. */
function rowKey(seedLo: number, seedHi: number, rowLo: number, rowHi: number): number {
  let h = fmix32((seedLo ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ seedHi ^ 0x7f4a7c15) >>> 0);
  h = fmix32((h ^ rowLo ^ 0x94d049bb) >>> 0);
  return fmix32((h ^ rowHi ^ 0xbf58476d) >>> 0);
}

/** A uniform in (0, 1) with 53 random bits from two counter hashes; never 0, so log() stays finite. */
function uniform(key: number, counter: number): number {
  const hi = fmix32((key + Math.imul(2 * counter + 1, 0x632be5ab)) >>> 0) >>> 5; // 27 bits
  const lo = fmix32((key + Math.imul(2 * counter + 2, 0x632be5ab)) >>> 0) >>> 6; // 26 bits
  return (hi * 67108864 + lo + 0.5) / 9007199254740992;
}

/**
 * Fills a row-major [rows, dims] latent block for global rows firstRow..firstRow+rows-1. 'normal' uses
 * Box-Muller on pairs of dimensions; 'uniform' gives values in (0, 1). Seeds and row numbers are
 * non-negative integers up to 2^53.
 */
export function fillLatent(seed: number, firstRow: number, rows: number, dims: number, distribution: 'normal' | 'uniform'): Float32Array {
  for (const [name, v] of [
    ['seed', seed],
    ['firstRow', firstRow],
    ['rows', rows],
    ['dims', dims],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${v}`);
  }
  const out = new Float32Array(rows * dims);
  const seedLo = (seed % TWO_POW_32) >>> 0;
  const seedHi = Math.floor(seed / TWO_POW_32) >>> 0;
  for (let r = 0; r < rows; r++) {
    const row = firstRow + r;
    const key = rowKey(seedLo, seedHi, (row % TWO_POW_32) >>> 0, Math.floor(row / TWO_POW_32) >>> 0);
    const base = r * dims;
    if (distribution === 'uniform') {
      for (let d = 0; d < dims; d++) out[base + d] = uniform(key, d);
      continue;
    }
    for (let d = 0; d < dims; d += 2) {
      const pair = d >> 1;
      const u1 = uniform(key, 2 * pair);
      const u2 = uniform(key, 2 * pair + 1);
      const radius = Math.sqrt(-2 * Math.log(u1));
      const angle = 2 * Math.PI * u2;
      out[base + d] = radius * Math.cos(angle);
      if (d + 1 < dims) out[base + d + 1] = radius * Math.sin(angle);
    }
  }
  return out;
}
