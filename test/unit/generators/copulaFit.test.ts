// Fitting edge cases: correlations that are not positive definite, constant and empty columns,
// identifier prefixes that could collide, tables with nothing to model, cancellation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { fitCopula } from '../../../src/core/generators/copula';
import { symmetricEigen } from '../../../src/core/generators/linalg';
import { normalCdf, normalQuantile } from '../../../src/core/generators/normal';

const numeric = (name: string, values: number[]): Table['columns'][number] => ({
  kind: 'numeric',
  name,
  values: Float64Array.from(values),
  integer: false,
});

test('the normal helpers agree with tabulated values (scipy.stats.norm)', () => {
  // norm.cdf(1.96) = 0.9750021048517795, norm.ppf(0.975) = 1.959963984540054, norm.cdf(-3) = 0.0013498980316301
  assert.ok(Math.abs(normalCdf(1.96) - 0.9750021048517795) < 2e-7);
  assert.ok(Math.abs(normalCdf(-3) - 0.0013498980316301) < 2e-7);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-8);
  assert.ok(Math.abs(normalQuantile(1e-5) + 4.264890793922825) < 1e-7);
});

test('a pairwise-complete correlation that is not positive definite is repaired before Cholesky', () => {
  // a~b and b~c perfectly, a~c perfectly opposite, each pair observed on different rows.
  const n = 300;
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = Math.sin(i * 1.7) * 100 + i;
    const [pa, pb, pc] = i < 100 ? [v, v, NaN] : i < 200 ? [NaN, v, v] : [v, NaN, -v];
    a.push(pa);
    b.push(pb);
    c.push(pc);
  }
  const m = fitCopula({ rowCount: n, columns: [numeric('a', a), numeric('b', b), numeric('c', c)] });
  const p = m.order.length;
  const { values } = symmetricEigen(m.correlation, p);
  assert.ok(Math.min(...values) > 0, 'repaired correlation is positive definite');
  for (let i = 0; i < p; i++) {
    assert.ok(Math.abs(m.correlation[i * p + i] - 1) < 1e-6);
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += m.cholesky[i * p + k] * m.cholesky[j * p + k];
      assert.ok(Math.abs(s - m.correlation[i * p + j]) < 1e-9, 'L L^T reproduces the correlation');
    }
  }
  assert.deepEqual(m.missingOrder, [0, 1, 2]);
});

test('constant and fully missing columns fit; identifier prefixes avoid every source identifier', () => {
  const m = fitCopula({
    rowCount: 4,
    columns: [
      numeric('const', [5, 5, 5, 5]),
      numeric('empty', [NaN, NaN, NaN, NaN]),
      { kind: 'identifier', name: 'id', values: ['SYN-1', 'SYN1-2', 'x', null] },
    ],
  });
  const [constant, empty, id] = m.columns;
  assert.ok(constant.kind === 'numeric' && constant.min === 5 && constant.max === 5);
  assert.ok(empty.kind === 'numeric' && empty.missingRate === 1);
  assert.ok(id.kind === 'identifier' && id.prefix === 'SYN2-');
});

test('tables with nothing to model or too few rows are BAD_INPUT; an abort is CANCELLED', () => {
  const bad = (e: unknown): boolean => e instanceof MedSynthError && e.code === 'BAD_INPUT';
  assert.throws(() => fitCopula({ rowCount: 3, columns: [{ kind: 'text', name: 't', values: ['a', 'b', 'c'] }] }), bad);
  assert.throws(() => fitCopula({ rowCount: 1, columns: [numeric('a', [1])] }), bad);
  const controller = new AbortController();
  controller.abort();
  assert.throws(
    () => fitCopula({ rowCount: 2, columns: [numeric('a', [1, 2])] }, { signal: controller.signal }),
    (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
  );
});
