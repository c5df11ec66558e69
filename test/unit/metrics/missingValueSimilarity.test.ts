// fidelity.missingValueSimilarity: 1 on equal missing shares, 0 when a column complete on one side is
// empty on the other, hand-computed values over every kind of column, and bad input as a typed error.
// The reference values (pandas isna(), SDMetrics' definition) are checked in referenceValues.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { computeMissingValueSimilarity } from '../../../src/core/metrics/missingValueSimilarity';
import { buildColumn, categoricalTable, numericTable } from './csvTable';

const badInput = (e: unknown): boolean => e instanceof MedSynthError && e.code === 'BAD_INPUT';

describe('fidelity.missingValueSimilarity', () => {
  it('is 1 for equal missing shares and 0 when a complete column is empty on the other side', () => {
    const real = numericTable({ a: [1, Number.NaN, 3, 4], b: [1, 2, 3, 4] });
    const synth = numericTable({ a: [Number.NaN, 5, 6, 7], b: [Number.NaN, Number.NaN, Number.NaN, Number.NaN] });
    const result = computeMissingValueSimilarity({ real, synth });
    assert.deepEqual(result.details.perColumn, { a: 1, b: 0 });
    assert.equal(result.score, 0.5);
    assert.deepEqual(result.details.missingShare, { a: { real: 0.25, synthetic: 0.25 }, b: { real: 0, synthetic: 1 } });
    assert.deepEqual(result.details.columnsWithMissing, ['a', 'b']);
  });

  it('matches hand-computed values over every kind, with tables of different sizes and kinds read differently', () => {
    const real: Table = {
      rowCount: 4,
      columns: [
        buildColumn('n', 'numeric', ['1', '', '', '4']),
        buildColumn('d', 'datetime', ['2024-01-01', '', '2024-01-03', '2024-01-04']),
        buildColumn('c', 'categorical', ['a', 'b', '', 'a']),
        buildColumn('f', 'boolean', ['true', 'false', 'true', 'false']),
        buildColumn('t', 'text', ['x', '', 'y', 'z']),
        buildColumn('id', 'identifier', ['1', '2', '3', '4']),
      ],
    };
    // Five synthetic rows; "t" read as categorical there: an empty cell is empty whatever the kind.
    const synth: Table = {
      rowCount: 5,
      columns: [
        buildColumn('id', 'identifier', ['9', '8', '7', '6', '5']),
        buildColumn('n', 'numeric', ['1', '2', '3', '4', '']),
        buildColumn('d', 'datetime', ['', '', '2024-01-03', '2024-01-04', '2024-01-05']),
        buildColumn('c', 'categorical', ['a', '', '', '', 'a']),
        buildColumn('f', 'boolean', ['true', 'false', '', 'true', 'false']),
        buildColumn('t', 'categorical', ['x', '', 'y', 'z', '']),
      ],
    };
    const result = computeMissingValueSimilarity({ real, synth });
    // n: |2/4 − 1/5| = 0.3; d: |1/4 − 2/5| = 0.15; c: |1/4 − 3/5| = 0.35; f: |0 − 1/5| = 0.2; t: |1/4 − 2/5| = 0.15; id: 0.
    const expected = { n: 0.7, d: 0.85, c: 0.65, f: 0.8, t: 0.85, id: 1 };
    const perColumn = result.details.perColumn as Record<string, number>;
    assert.deepEqual(Object.keys(perColumn), Object.keys(expected));
    for (const [name, v] of Object.entries(expected)) assert.ok(Math.abs(perColumn[name] - v) < 1e-12, `${name}: ${perColumn[name]}`);
    assert.ok(Math.abs((result.score ?? NaN) - 4.85 / 6) < 1e-12, String(result.score));
    assert.deepEqual(result.details.columnsWithMissing, ['n', 'd', 'c', 'f', 't']);
    assert.equal(result.error, undefined);
    assert.equal(result.leftOut, undefined);
  });

  it('is 1 for tables without any empty cell', () => {
    const t = categoricalTable({ a: ['x', 'y'], b: ['p', 'q'] });
    assert.equal(computeMissingValueSimilarity({ real: t, synth: categoricalTable({ a: ['y', 'y'], b: ['q', 'q'] }) }).score, 1);
  });

  it('reports a missing column, an empty table and a ragged column as BAD_INPUT, and no columns as not applicable', () => {
    assert.throws(
      () => computeMissingValueSimilarity({ real: numericTable({ a: [1], b: [2] }), synth: numericTable({ a: [1] }) }),
      (e: unknown) => badInput(e) && /synthetic table has no column "b"/.test((e as Error).message),
    );
    assert.throws(() => computeMissingValueSimilarity({ real: numericTable({ a: [1] }), synth: numericTable({ a: [] }) }), badInput);
    const ragged = { rowCount: 3, columns: [{ kind: 'numeric' as const, name: 'a', integer: false, values: Float64Array.of(1, 2) }] };
    assert.throws(() => computeMissingValueSimilarity({ real: ragged, synth: ragged }), /2 cells for 3 rows/);
    const none = computeMissingValueSimilarity({ real: { rowCount: 2, columns: [] }, synth: numericTable({ a: [1, 2] }) });
    assert.equal(none.score, null);
    assert.equal(none.error, undefined);
    assert.match(none.notApplicable ?? '', /no columns/);
  });

  it('throws CANCELLED when the signal is already aborted', () => {
    const t = numericTable({ a: [1, 2] });
    const controller = new AbortController();
    controller.abort();
    assert.throws(
      () => computeMissingValueSimilarity({ real: t, synth: t }, controller.signal),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
  });
});
