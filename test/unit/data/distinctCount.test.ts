// countDistinctPresent (the typed-array distinct counter behind text-column typing) against the
// plain definition: the size of a Set of the present cells. Random columns with repeats, missing
// tokens, whitespace-padded spellings, non-ASCII text and enough values to grow the table many
// times; a probe cap of 0 sends the count through its Set fallback, which must agree as well.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MISSING_TOKENS } from '../../../src/core/data/table/cellValues';
import { countDistinctPresent } from '../../../src/core/data/table/distinctCount';
import { mulberry32 } from '../../seededRandom';

function column(seed: number, rows: number, spread: number): string[] {
  const next = mulberry32(seed);
  const pieces = ['P', 'é', '∑', ' ', 'x', '0', '🙂'];
  return Array.from({ length: rows }, () => {
    const r = next();
    if (r < 0.05) return MISSING_TOKENS[Math.floor(next() * MISSING_TOKENS.length)];
    if (r < 0.08) return ' NA ';
    const k = Math.floor(next() * spread);
    return `${pieces[k % pieces.length]}${k}${r < 0.1 ? ' ' : ''}`;
  });
}

const byDefinition = (cells: readonly string[]): number => {
  const missing = new Set(MISSING_TOKENS);
  return new Set(cells.filter((c) => !missing.has(c.trim()))).size;
};

describe('countDistinctPresent', () => {
  it('equals the size of a Set of the present cells', () => {
    for (const [seed, rows, spread] of [
      [1, 0, 1],
      [2, 1, 1],
      [3, 50, 3],
      [4, 5000, 40],
      [5, 200_000, 150_000],
      [6, 100_000, 1e9],
    ]) {
      const cells = column(seed, rows, spread);
      assert.equal(countDistinctPresent(cells), byDefinition(cells), `seed ${seed}`);
    }
  });

  it('agrees with the definition when the probe cap sends it to the Set fallback', () => {
    const cells = column(7, 30_000, 10_000);
    assert.equal(countDistinctPresent(cells, 0), byDefinition(cells));
  });

  it('compares cell text as written: padding and letter case make distinct values', () => {
    assert.equal(countDistinctPresent(['a', ' a', 'A', 'a ', 'a', '', 'NA', ' NA']), 4);
  });
});
