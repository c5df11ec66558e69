// fidelity.alphaPrecision, fidelity.betaRecall and the table fidelity.prdc / fidelity.mmd against
// test/reference/alpha_beta_reference.py (test/fixtures/reference/alpha_beta.json): the record features,
// the α-precision and β-recall curves and their integrals written in numpy from Alaa et al. 2022, PRDC
// from the formulas of Naeem et al.'s prdc package, and the unbiased RBF MMD² at the median bandwidth.
// Known answers: a copy of the real table gives curves on the diagonal (integrated ≈ 1), a table ten real
// ranges away gives 0. Bad input: typed errors or notApplicable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnKind, Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import {
  alphaPrecisionCurve,
  alphaPrecisionMetric,
  betaRecallCurve,
  betaRecallMetric,
  computeAlphaPrecision,
  computeBetaRecall,
  integratedScore,
} from '../../../src/core/metrics/alphaBeta';
import { computeTableMmd, tableMmdMetric } from '../../../src/core/metrics/tableMmd';
import { computeTablePrdc, tablePrdcMetric } from '../../../src/core/metrics/tablePrdc';
import { encodeTableFeatures, thinnedRows } from '../../../src/core/metrics/tableFeatures';
import { buildColumn, categoricalTable, loadReferenceJson, numericTable } from './csvTable';

interface Case {
  real: Record<string, string[]>;
  synth: Record<string, string[]>;
  featureNames: string[];
  realFeatures: number[][];
  synthFeatures: number[][];
  alphaPrecision: { curve: number[]; integrated: number };
  betaRecall: { curve: number[]; integrated: number; k: number; minGapToBall: number };
  prdc: { precision: number; recall: number; density: number; coverage: number };
  mmd: { mmd2: number; bandwidth: number };
}
interface Fixture {
  kinds: Record<string, ColumnKind>;
  levels: number[];
  cases: Record<'mixed' | 'copy' | 'disjoint', Case>;
}
const fixture = loadReferenceJson<Fixture>('alpha_beta.json');

function table(cells: Record<string, string[]>): Table {
  const columns = Object.entries(fixture.kinds).map(([name, kind]) => buildColumn(name, kind, cells[name]));
  return { rowCount: cells[Object.keys(fixture.kinds)[0]].length, columns };
}

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof MedSynthError && e.code === code);
}

for (const name of ['mixed', 'copy', 'disjoint'] as const) {
  const c = fixture.cases[name];
  const input = { real: table(c.real), synth: table(c.synth) };
  describe(`alpha/beta/PRDC/MMD on the "${name}" case`, () => {
    it('encodes the same features as the reference (float32)', () => {
      const f = encodeTableFeatures(input.real, input.synth)!;
      assert.deepEqual(f.names, c.featureNames);
      assert.deepEqual(f.ignoredColumns, ['patient_id']);
      for (const [m, ref] of [
        [f.real, c.realFeatures],
        [f.synth, c.synthFeatures],
      ] as const) {
        assert.equal(m.rows, ref.length);
        ref.forEach((row, i) =>
          row.forEach((v, k) => close(m.data[i * m.dims + k], v, 1e-6 * Math.max(1, Math.abs(v)), `row ${i} feature ${k}`)),
        );
      }
    });

    it('α-precision: curve and integrated score equal the reference', async () => {
      const r = await computeAlphaPrecision(input);
      assert.deepEqual(r.details.levels, fixture.levels);
      assert.deepEqual(r.details.curve, c.alphaPrecision.curve);
      close(r.details.integrated as number, c.alphaPrecision.integrated, 1e-12, 'IPα');
      close(r.score!, Math.max(0, c.alphaPrecision.integrated), 1e-12, 'score');
    });

    it('β-recall: curve and integrated score equal the reference', async () => {
      const r = await computeBetaRecall(input);
      assert.equal(r.details.k, c.betaRecall.k);
      assert.deepEqual(r.details.curve, c.betaRecall.curve);
      close(r.details.integrated as number, c.betaRecall.integrated, 1e-12, 'IRβ');
      close(r.score!, Math.max(0, c.betaRecall.integrated), 1e-12, 'score');
    });

    it('PRDC equals the reference formulas', async () => {
      const r = await computeTablePrdc(input);
      for (const key of ['precision', 'recall', 'density', 'coverage'] as const) close(r.details[key] as number, c.prdc[key], 1e-12, key);
      assert.equal(r.score, r.details.coverage);
    });

    it('MMD² equals the numpy unbiased estimate', async () => {
      const r = await computeTableMmd(input);
      close(r.details.bandwidth as number, c.mmd.bandwidth, 1e-9, 'bandwidth');
      close(r.score!, c.mmd.mmd2, 1e-9, 'mmd2');
    });
  });
}

describe('known answers', () => {
  it('a copy: α-precision curve ≈ α, β-recall ≈ β, integrated ≈ 1; PRDC 1', async () => {
    const c = fixture.cases.copy;
    const input = { real: table(c.real), synth: table(c.synth) };
    const n = c.real.age.length;
    const a = await computeAlphaPrecision(input);
    const b = await computeBetaRecall(input);
    (a.details.curve as number[]).forEach((v, i) => close(v, fixture.levels[i], 1 / n + 1e-12, `P at ${fixture.levels[i]}`));
    (b.details.curve as number[]).forEach((v, i) => close(v, fixture.levels[i], 1 / n + 1e-12, `R at ${fixture.levels[i]}`));
    assert.ok(a.score! > 0.98 && b.score! > 0.98, `${a.score} ${b.score}`);
    const p = await computeTablePrdc(input);
    assert.deepEqual([p.details.precision, p.details.recall, p.details.coverage], [1, 1, 1]);
  });

  it('a table far from the real one scores 0', async () => {
    const c = fixture.cases.disjoint;
    const input = { real: table(c.real), synth: table(c.synth) };
    assert.equal((await computeAlphaPrecision(input)).score, 0);
    assert.equal((await computeBetaRecall(input)).score, 0);
    assert.equal((await computeTablePrdc(input)).score, 0);
    assert.ok((await computeTableMmd(input)).score! > 0.5);
  });

  it('integratedScore: the diagonal gives 1, a constant 0 or 1 gives 0', () => {
    const levels = fixture.levels;
    close(integratedScore(levels, levels), 1, 1e-15, 'diagonal');
    close(
      integratedScore(
        levels,
        levels.map(() => 0),
      ),
      0,
      1e-12,
      'zero',
    );
    close(
      integratedScore(
        levels,
        levels.map(() => 1),
      ),
      0,
      1e-12,
      'one',
    );
  });

  it('the cores accept feature matrices of different sizes', async () => {
    const real = { data: Float32Array.from([0, 1, 2, 3, 4]), rows: 5, dims: 1 };
    const synth = { data: Float32Array.from([0, 4]), rows: 2, dims: 1 };
    const a = alphaPrecisionCurve(real, synth, 3);
    // Real radii around 2: q0 = 0, q0.5 = 1, q1 = 2; both synthetic rows sit at 2.
    assert.deepEqual(a.curve, [0, 0, 1]);
    const b = await betaRecallCurve(real, synth, 1, 3);
    // Synthetic centre 2, both at 2: every β holds both; real 0 and 4 have their copy strictly inside their ball (radius 1).
    assert.deepEqual(b.curve, [0.4, 0.4, 0.4]);
  });
});

describe('row cap and bad input', () => {
  it('thins evenly above the cap and counts the rows left out', () => {
    assert.deepEqual([...thinnedRows(10, 4)], [0, 2, 5, 7]);
    assert.deepEqual([...thinnedRows(3, 4)], [0, 1, 2]);
    const real = numericTable({ x: Array.from({ length: 12 }, (_, i) => i) });
    const f = encodeTableFeatures(real, real, 5)!;
    assert.equal(f.real.rows, 5);
    assert.deepEqual(
      f.leftOut.map((l) => [l.count, l.unit]),
      [
        [7, 'rows'],
        [7, 'rows'],
      ],
    );
  });

  it('no feature column: notApplicable for all four', async () => {
    const t: Table = { rowCount: 3, columns: [buildColumn('id', 'identifier', ['a', 'b', 'c'])] };
    for (const compute of [computeAlphaPrecision, computeBetaRecall, computeTablePrdc, computeTableMmd]) {
      const r = await compute({ real: t, synth: t });
      assert.equal(r.score, null);
      assert.ok(r.notApplicable);
      assert.equal(r.error, undefined);
    }
  });

  it('empty tables, missing columns and too few rows are BAD_INPUT', async () => {
    const empty = numericTable({ x: [] });
    const two = numericTable({ x: [1, 2] });
    const other = numericTable({ y: [1, 2, 3] });
    for (const compute of [computeAlphaPrecision, computeBetaRecall, computeTablePrdc, computeTableMmd]) {
      await rejectsWith(compute({ real: empty, synth: two }), 'BAD_INPUT');
      await rejectsWith(compute({ real: two, synth: other }), 'BAD_INPUT');
    }
    const one = numericTable({ x: [1] });
    await rejectsWith(computeBetaRecall({ real: one, synth: two }), 'BAD_INPUT');
    const small = await computeTablePrdc({ real: two, synth: two });
    assert.equal(small.score, null);
    assert.match(small.notApplicable ?? '', /more than 5 rows/);
    await rejectsWith(computeTableMmd({ real: one, synth: two }), 'BAD_INPUT');
    // Categorical-only tables work: one-hot features.
    const cat = categoricalTable({ c: ['a', 'b', 'a', 'b', 'c', 'a', 'b'] });
    assert.equal((await computeAlphaPrecision({ real: cat, synth: cat })).error, undefined);
  });

  it('an aborted signal is CANCELLED', async () => {
    const c = fixture.cases.mixed;
    const input = { real: table(c.real), synth: table(c.synth) };
    const ac = new AbortController();
    ac.abort();
    for (const compute of [computeAlphaPrecision, computeBetaRecall, computeTablePrdc, computeTableMmd]) {
      await rejectsWith(compute(input, ac.signal), 'CANCELLED');
    }
  });

  it('descriptors: table modality, ids, goals', () => {
    assert.deepEqual(
      [alphaPrecisionMetric, betaRecallMetric, tablePrdcMetric, tableMmdMetric].map((m) => [m.id, m.modality, m.goal]),
      [
        ['fidelity.alphaPrecision', 'table', 'maximize'],
        ['fidelity.betaRecall', 'table', 'maximize'],
        ['fidelity.prdc', 'table', 'maximize'],
        ['fidelity.mmd', 'table', 'minimize'],
      ],
    );
  });
});
