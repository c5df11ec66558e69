// fidelity.contingencySimilarity: best score on identical data, worst on disjoint data, hand-computed
// values (one with missing cells as a category of their own), "not applicable" with fewer than two
// categorical columns, and bad input reported as a typed error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { computeContingencySimilarity } from '../../../src/core/metrics/contingencySimilarity';
import { buildColumn, categoricalTable, numericTable } from './csvTable';

const badInput = (e: unknown): boolean => e instanceof MedSynthError && e.code === 'BAD_INPUT';

describe('fidelity.contingencySimilarity', () => {
  it('is 1 for identical tables and 0 when no combination of labels is shared', () => {
    const real = categoricalTable({ a: ['x', 'x', 'y', 'y'], b: ['p', 'q', 'p', 'q'], c: ['u', 'u', 'u', 'v'] });
    // The same rows in another order (so the first-seen label order, and the codes, differ too).
    const shuffled = categoricalTable({ a: ['y', 'x', 'y', 'x'], b: ['q', 'p', 'p', 'q'], c: ['v', 'u', 'u', 'u'] });
    const result = computeContingencySimilarity({ real, synth: shuffled });
    assert.equal(result.score, 1);
    assert.deepEqual(result.details.perPair, { 'a|b': 1, 'a|c': 1, 'b|c': 1 });
    const disjoint = categoricalTable({ a: ['z', 'z', 'w', 'w'], b: ['r', 's', 'r', 's'], c: ['t', 't', 't', 't'] });
    assert.equal(computeContingencySimilarity({ real, synth: disjoint }).score, 0);
  });

  it('matches a hand-computed value', () => {
    // Real cells (x,p) (x,q) (y,p) (y,q) are 1/4 each; synthetic (x,p) = 1/2, (x,q) = 1/4, (y,q) = 1/4.
    // |Δ| = 1/4 + 0 + 1/4 + 0, so TVD = 1/4 and the score is 3/4, although both marginals of b match.
    const real = categoricalTable({ a: ['x', 'x', 'y', 'y'], b: ['p', 'q', 'p', 'q'] });
    const synth = categoricalTable({ a: ['x', 'x', 'x', 'y'], b: ['p', 'p', 'q', 'q'] });
    const result = computeContingencySimilarity({ real, synth });
    assert.equal(result.score, 0.75);
    assert.equal(result.error, undefined);
    assert.equal(result.notApplicable, undefined);
  });

  it('treats a missing cell as a category of its own and matches labels by text, not code', () => {
    // Real cells (x,p) = 1/2, (missing,p) = 1/2; synthetic (x,p) = 1: TVD = 1/2.
    const real = categoricalTable({ a: ['x', 'x', '', ''], b: ['p', 'p', 'p', 'p'] });
    const synth = categoricalTable({ a: ['x', 'x', 'x', 'x'], b: ['p', 'p', 'p', 'p'] });
    assert.equal(computeContingencySimilarity({ real, synth }).score, 0.5);
    // Same rows, first labels seen in another order: the codes differ, the labels agree.
    const a = categoricalTable({ a: ['x', 'y'], b: ['p', 'q'] });
    const b = categoricalTable({ a: ['y', 'x'], b: ['q', 'p'] });
    assert.equal(computeContingencySimilarity({ real: a, synth: b }).score, 1);
  });

  it('counts a boolean column as categorical and ignores numeric ones', () => {
    const table = (flags: string[], labels: string[]): Table => ({
      rowCount: flags.length,
      columns: [buildColumn('n', 'numeric', ['1', '2']), buildColumn('f', 'boolean', flags), buildColumn('c', 'categorical', labels)],
    });
    const result = computeContingencySimilarity({
      real: table(['true', 'false'], ['a', 'b']),
      synth: table(['true', 'false'], ['b', 'a']),
    });
    assert.deepEqual(Object.keys(result.details.perPair as object), ['f|c']);
    assert.equal(result.score, 0);
  });

  it('is not applicable (no error) with fewer than two categorical columns', () => {
    const one = { rowCount: 2, columns: [...numericTable({ n: [1, 2] }).columns, ...categoricalTable({ c: ['a', 'b'] }).columns] };
    const result = computeContingencySimilarity({ real: one, synth: one });
    assert.equal(result.score, null);
    assert.equal(result.error, undefined);
    assert.match(result.notApplicable ?? '', /at least two categorical/);
  });

  it('reports an empty table, a missing column and a ragged column as BAD_INPUT', () => {
    const real = categoricalTable({ a: ['x'], b: ['p'] });
    assert.throws(() => computeContingencySimilarity({ real, synth: categoricalTable({ a: [], b: [] }) }), badInput);
    assert.throws(() => computeContingencySimilarity({ real, synth: categoricalTable({ a: ['x'] }) }), /no column "b"/);
    const ragged: Table = {
      rowCount: 3,
      columns: [buildColumn('a', 'categorical', ['x']), buildColumn('b', 'categorical', ['p', 'q', 'p'])],
    };
    assert.throws(() => computeContingencySimilarity({ real: ragged, synth: ragged }), /1 cells for 3 rows/);
  });

  it('throws CANCELLED when the signal is aborted', () => {
    const real = categoricalTable({ a: ['x', 'y'], b: ['p', 'q'] });
    const controller = new AbortController();
    controller.abort();
    assert.throws(
      () => computeContingencySimilarity({ real, synth: real }, controller.signal),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
  });
});
