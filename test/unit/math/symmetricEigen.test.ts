// eigh / eigvalsh / covariance against numpy.linalg.eigh and numpy.cov on the fixed matrices of
// test/reference/eigh_reference.py (test/fixtures/metrics/image/eigh.json). Eigenvalues must agree to
// 1e-10 relative (plus 1e-13 of the matrix norm, the rounding level of a value near zero); eigenvectors
// up to sign, compared as the projector onto each eigenspace so repeated eigenvalues are fair too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { covariance } from '../../../src/core/math/covariance';
import { eigh, eighYielding, eigvalsh } from '../../../src/core/math/symmetricEigen';
import { MedSynthError } from '../../../src/core/errors';

interface EighCase {
  n: number;
  matrix: number[];
  values: number[];
  vectors: number[];
}
interface EighFixture {
  cases: Record<string, EighCase>;
  covariance: { rows: number; dims: number; features: number[]; mean: number[]; cov: number[] };
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/metrics/image/eigh.json'), 'utf8')) as EighFixture;

function norm(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

function assertValues(got: Float64Array, want: number[], name: string): void {
  assert.equal(got.length, want.length, name);
  const scale = norm(want);
  for (let j = 0; j < want.length; j++) {
    const tol = 1e-10 * Math.abs(want[j]) + 1e-13 * scale;
    assert.ok(Math.abs(got[j] - want[j]) <= tol, `${name}: value ${j} ${got[j]} vs numpy ${want[j]}`);
  }
}

/** Groups of indices whose reference eigenvalues coincide (to 1e-8 of the norm): one eigenspace each. */
function clusters(values: number[]): number[][] {
  const scale = Math.max(norm(values), 1e-300);
  const groups: number[][] = [];
  values.forEach((v, j) => {
    const last = groups[groups.length - 1];
    if (last && Math.abs(v - values[last[last.length - 1]]) <= 1e-8 * scale) last.push(j);
    else groups.push([j]);
  });
  return groups;
}

function projector(vectors: ArrayLike<number>, n: number, columns: number[]): Float64Array {
  const p = new Float64Array(n * n);
  for (const j of columns) for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) p[a * n + b] += vectors[a * n + j] * vectors[b * n + j];
  return p;
}

function assertOrthonormal(vectors: Float64Array, n: number, name: string): void {
  for (let j = 0; j < n; j++) {
    for (let q = j; q < n; q++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[k * n + j] * vectors[k * n + q];
      assert.ok(Math.abs(s - (j === q ? 1 : 0)) < 1e-12, `${name}: columns ${j}, ${q} dot ${s}`);
    }
  }
}

describe('eigh against numpy.linalg.eigh', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(name, () => {
      const { values, vectors } = eigh(Float64Array.from(c.matrix), c.n);
      assertValues(values, c.values, name);
      assertOrthonormal(vectors, c.n, name);
      for (const group of clusters(c.values)) {
        const mine = projector(vectors, c.n, group);
        const theirs = projector(c.vectors, c.n, group);
        for (let k = 0; k < mine.length; k++) {
          assert.ok(Math.abs(mine[k] - theirs[k]) < 1e-8, `${name}: eigenspace of values ${group.join(',')} differs at ${k}`);
        }
      }
      assertValues(eigvalsh(Float64Array.from(c.matrix), c.n), c.values, `${name} (eigvalsh)`);
    });
  }

  it('reads only the lower triangle, as numpy does with UPLO=L', () => {
    const c = fixture.cases.random_7;
    const m = Float64Array.from(c.matrix);
    for (let i = 0; i < c.n; i++) for (let j = i + 1; j < c.n; j++) m[i * c.n + j] = 1e6;
    assertValues(eigh(m, c.n).values, c.values, 'upper triangle ignored');
  });

  it('the yielding variant gives the same decomposition', async () => {
    const c = fixture.cases.random_40;
    const a = eigh(Float64Array.from(c.matrix), c.n);
    const b = await eighYielding(Float64Array.from(c.matrix), c.n);
    assert.deepEqual(b.values, a.values);
    assert.deepEqual(b.vectors, a.vectors);
  });

  it('reconstructs a 300 x 300 matrix: V diag(values) Vᵀ = A', () => {
    const n = 300;
    let s = 7;
    const next = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = next();
    const { values, vectors } = eigh(a, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let x = 0;
        for (let k = 0; k < n; k++) x += vectors[i * n + k] * values[k] * vectors[j * n + k];
        worst = Math.max(worst, Math.abs(x - a[i * n + j]));
      }
    }
    assert.ok(worst < 1e-12, `reconstruction error ${worst}`);
    for (let j = 1; j < n; j++) assert.ok(values[j] >= values[j - 1]);
  });

  it('n = 0 gives empty results', () => {
    const { values, vectors } = eigh(new Float64Array(0), 0);
    assert.equal(values.length, 0);
    assert.equal(vectors.length, 0);
  });

  it('refuses a wrong length and non-finite entries with BAD_INPUT', () => {
    assert.throws(
      () => eigh(new Float64Array(5), 2),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT' && /4 entries/.test(e.message),
    );
    const m = Float64Array.from([1, 0, Number.NaN, 1]);
    assert.throws(
      () => eigh(m, 2),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT' && /entry \(1, 0\)/.test(e.message),
    );
    assert.throws(
      () => eigh(new Float64Array(4), 1.5),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE',
    );
  });

  it('an aborted signal stops it with CANCELLED', () => {
    const ac = new AbortController();
    ac.abort();
    const c = fixture.cases.random_40;
    assert.throws(
      () => eigh(Float64Array.from(c.matrix), c.n, ac.signal),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
  });
});

describe('covariance against numpy.cov', () => {
  it('mean and n − 1 covariance, float64 and float32 input', () => {
    const c = fixture.covariance;
    const got = covariance(Float64Array.from(c.features), c.rows, c.dims);
    const scale = norm(c.cov);
    c.mean.forEach((m, j) => assert.ok(Math.abs(got.mean[j] - m) <= 1e-12 * Math.abs(m) + 1e-12, `mean ${j}`));
    c.cov.forEach((v, k) => assert.ok(Math.abs(got.cov[k] - v) <= 1e-11 * scale, `cov ${k}: ${got.cov[k]} vs ${v}`));
    // Float32 input: numpy.cov of the float32-rounded values, computed here in float64 from the same
    // rounded numbers, so only agreement with the float64 path is asserted (rounding of the input).
    const f32 = covariance(Float32Array.from(c.features), c.rows, c.dims);
    c.cov.forEach((v, k) => assert.ok(Math.abs(f32.cov[k] - v) <= 1e-5 * scale, `float32 cov ${k}`));
  });

  it('a blocked run over many rows matches the two-pass sums', () => {
    const rows = 700;
    const dims = 9;
    const x = new Float64Array(rows * dims);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * (1 + (i % dims));
    const got = covariance(x, rows, dims);
    for (let a = 0; a < dims; a++) {
      for (let b = 0; b < dims; b++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += (x[r * dims + a] - got.mean[a]) * (x[r * dims + b] - got.mean[b]);
        assert.ok(Math.abs(got.cov[a * dims + b] - s / (rows - 1)) < 1e-12, `cov ${a},${b}`);
      }
    }
  });

  it('refuses fewer than 2 rows, a wrong length and NaN with BAD_INPUT', () => {
    const isBad = (re: RegExp) => (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT' && re.test(e.message);
    assert.throws(() => covariance(new Float64Array(3), 1, 3), isBad(/at least 2 rows/));
    assert.throws(() => covariance(new Float64Array(5), 2, 3), isBad(/need 6 values/));
    assert.throws(() => covariance(Float32Array.from([1, 2, Number.NaN, 4]), 2, 2), isBad(/row 1, dimension 0/));
  });
});
