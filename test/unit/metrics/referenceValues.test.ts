// Every table metric against values computed independently by test/reference/metrics_reference.py
// (scipy.stats.ks_2samp, pandas, numpy, sklearn NearestNeighbors brute/manhattan) on the scikit-learn
// breast_cancer table split in halves and on a small mixed-type table with gaps. The mixed table's
// distances are the missing-aware definition written directly in numpy (empty vs empty 0, empty vs
// filled 1, no row dropped), with one synthetic weight far outside the real range. TVComplement and
// MissingValueSimilarity follow SDMetrics' definitions written in pandas there (missing cells dropped
// before the categories are counted; the share of missing cells per column), also on the sample
// patients table split in two parts and on a small table with gaps in every kind of column.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnKind, Table } from '../../../src/core/data/table/table';
import { evaluateTableMetrics } from '../../../src/core/metrics/registry';
import type { MetricResult } from '../../../src/core/metrics/types';
import { nearestRecords } from '../../../src/core/metrics/distanceSearch';
import { buildDistanceSpace } from '../../../src/core/metrics/distanceSpace';
import { loadReferenceJson, loadReferenceTable } from './csvTable';

interface DcrReference {
  median: number;
  p05: number;
  mean: number;
  nndrMedian: number;
  nndrP05: number;
  shareCloserToTrain?: number;
  histogram: { edges: number[]; counts: number[] };
  d1: number[];
  d2: number[];
  baseline?: { median: number; p05: number; mean: number; rows: number };
  holdoutCounts?: number[];
  nndrBaselineMedian?: number;
}
interface TvReference {
  score: number;
  perColumn: Record<string, number>;
  skippedColumns: string[];
  /** SDMetrics' own arithmetic (a 1e-6 count for synthetic-only labels) and how far it may be from the exact value. */
  sdmetricsCode: Record<string, { score: number; bound: number }>;
  missingCells?: number;
}
interface MissingReference {
  score: number;
  perColumn: Record<string, number>;
  missingShare: Record<string, { real: number; synthetic: number }>;
}
interface MissingnessCase {
  files: { real: string; synth: string; types: string };
  tvComplement: TvReference;
  missingValueSimilarity: MissingReference;
}
interface CaseReference {
  files: { real: string; synth: string; holdout?: string; types?: string };
  ksComplement: { score: number; perColumn: Record<string, number> };
  tvComplement?: TvReference;
  missingValueSimilarity?: MissingReference;
  correlationSimilarity: { score: number; perPair: Record<string, number> };
  contingencySimilarity?: { score: number; perPair: Record<string, number> };
  exactCopies: number;
  exactCopyBaseRate: { source: string; matches: number; rows: number };
  dcr: DcrReference;
}
const reference = loadReferenceJson<{
  breastCancer: CaseReference;
  mixed: CaseReference;
  missingness: Record<string, MissingnessCase>;
}>('metrics.json');

// Exact statistics (KS, TVD, exact copies) must agree to rounding; Pearson to 1e-9. Distances are
// accumulated in float32 over at most 31 columns of values near [0, 1]: each packed value carries a
// relative error of 6e-8, so the mean per-column distance agrees with sklearn's float64 within 1e-6.
const EXACT = 1e-12;
const PEARSON = 1e-9;
const DISTANCE = 1e-6;

function close(actual: unknown, expected: number, tol: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what} is not a number`);
  assert.ok(Math.abs((actual as number) - expected) <= tol, `${what}: ${String(actual)} vs reference ${expected} (tol ${tol})`);
}

function closeRecord(actual: unknown, expected: Record<string, number>, tol: number, what: string): void {
  const rec = actual as Record<string, number>;
  assert.deepEqual(Object.keys(rec).sort(), Object.keys(expected).sort(), `${what} keys`);
  for (const [k, v] of Object.entries(expected)) close(rec[k], v, tol, `${what}.${k}`);
}

function tables(ref: Pick<CaseReference, 'files'>): { real: Table; synth: Table; holdout?: Table } {
  const types = ref.files.types ? loadReferenceJson<Record<string, ColumnKind>>(ref.files.types) : {};
  const real = loadReferenceTable(ref.files.real, types);
  const synth = loadReferenceTable(ref.files.synth, types);
  return ref.files.holdout ? { real, synth, holdout: loadReferenceTable(ref.files.holdout, types) } : { real, synth };
}

function byId(results: MetricResult[], id: string): MetricResult {
  const r = results.find((x) => x.id === id);
  assert.ok(r, `no result for ${id}`);
  assert.equal(r.error, undefined, `${id} failed: ${r.error}`);
  return r;
}

/** TVComplement against the pandas reference (1e-12), and within the stated bound of SDMetrics' own arithmetic. */
function checkTv(tv: MetricResult, ref: TvReference): void {
  assert.equal(tv.error, undefined, tv.error);
  close(tv.score, ref.score, EXACT, 'tvComplement');
  closeRecord(tv.details.perColumn, ref.perColumn, EXACT, 'tvComplement.perColumn');
  assert.deepEqual(tv.details.skippedColumns, ref.skippedColumns);
  const perColumn = tv.details.perColumn as Record<string, number>;
  for (const [name, code] of Object.entries(ref.sdmetricsCode))
    close(perColumn[name], code.score, code.bound * (1 + 1e-9) + EXACT, `tvComplement.${name} vs SDMetrics' regularised arithmetic`);
  const columns = (tv.leftOut ?? []).find((l) => l.unit === 'columns');
  assert.deepEqual(columns?.names ?? [], ref.skippedColumns);
  if (ref.missingCells !== undefined)
    assert.equal((tv.leftOut ?? []).find((l) => l.unit === 'cells')?.count ?? 0, ref.missingCells, 'missing categorical cells left out');
}

function checkMissing(mvs: MetricResult, ref: MissingReference): void {
  assert.equal(mvs.error, undefined, mvs.error);
  close(mvs.score, ref.score, EXACT, 'missingValueSimilarity');
  closeRecord(mvs.details.perColumn, ref.perColumn, EXACT, 'missingValueSimilarity.perColumn');
  const share = mvs.details.missingShare as Record<string, { real: number; synthetic: number }>;
  assert.deepEqual(Object.keys(share).sort(), Object.keys(ref.missingShare).sort());
  for (const [name, s] of Object.entries(ref.missingShare)) {
    close(share[name].real, s.real, EXACT, `missingShare.${name}.real`);
    close(share[name].synthetic, s.synthetic, EXACT, `missingShare.${name}.synthetic`);
  }
}

for (const [label, ref] of Object.entries(reference.missingness)) {
  describe(`missing cells on the ${label} tables vs the SDMetrics definitions in pandas`, () => {
    const input = tables(ref);
    it('TV complement drops missing cells and leaves out columns empty on one side', async () => {
      const [tv] = await evaluateTableMetrics(input, ['fidelity.tvComplement']);
      checkTv(tv, ref.tvComplement);
    });
    it('missing-value similarity compares the missing shares of every column', async () => {
      const [mvs] = await evaluateTableMetrics(input, ['fidelity.missingValueSimilarity']);
      checkMissing(mvs, ref.missingValueSimilarity);
    });
  });
}

for (const [label, ref] of [
  ['breast_cancer halves', reference.breastCancer],
  ['mixed-type table', reference.mixed],
] as const) {
  describe(`table metrics on ${label} vs the Python reference`, () => {
    const input = tables(ref);

    it('fidelity metrics match scipy/pandas (contingency similarity: pandas crosstab)', async () => {
      const results = await evaluateTableMetrics(input, ['fidelity.ksComplement', 'fidelity.correlationSimilarity']);
      const ks = byId(results, 'fidelity.ksComplement');
      close(ks.score, ref.ksComplement.score, EXACT, 'ksComplement');
      closeRecord(ks.details.perColumn, ref.ksComplement.perColumn, EXACT, 'ksComplement.perColumn');
      const corr = byId(results, 'fidelity.correlationSimilarity');
      close(corr.score, ref.correlationSimilarity.score, PEARSON, 'correlationSimilarity');
      closeRecord(corr.details.perPair, ref.correlationSimilarity.perPair, PEARSON, 'correlationSimilarity.perPair');
      if (ref.tvComplement) {
        const [tv] = await evaluateTableMetrics(input, ['fidelity.tvComplement']);
        checkTv(tv, ref.tvComplement);
      }
      if (ref.missingValueSimilarity) {
        const [mvs] = await evaluateTableMetrics(input, ['fidelity.missingValueSimilarity']);
        checkMissing(mvs, ref.missingValueSimilarity);
      }
      const [cont] = await evaluateTableMetrics(input, ['fidelity.contingencySimilarity']);
      if (ref.contingencySimilarity) {
        assert.equal(cont.error, undefined, cont.error);
        close(cont.score, ref.contingencySimilarity.score, EXACT, 'contingencySimilarity');
        closeRecord(cont.details.perPair, ref.contingencySimilarity.perPair, EXACT, 'contingencySimilarity.perPair');
      } else {
        // breast_cancer has no categorical column: the metric does not apply, and that is not an error.
        assert.equal(cont.score, null);
        assert.equal(cont.error, undefined);
        assert.ok(cont.notApplicable);
      }
    });

    it('exact copies match the pandas row-set count', async () => {
      const [copies] = await evaluateTableMetrics(input, ['privacy.exactCopies']);
      close(copies.score, ref.exactCopies, EXACT, 'exactCopies');
      const base = ref.exactCopyBaseRate;
      assert.deepEqual(copies.details.baseRate, { ...base, share: base.matches / base.rows });
    });

    it('per-row nearest distances match the reference within float32 accumulation', async () => {
      const space = buildDistanceSpace(input.real, input.synth);
      const near = await nearestRecords(space, space.synth, space.real);
      assert.equal(near.d1.length, ref.dcr.d1.length);
      ref.dcr.d1.forEach((d, i) => close(near.d1[i] / space.columnCount, d, DISTANCE, `d1[${i}]`));
      ref.dcr.d2.forEach((d, i) => close(near.d2[i] / space.columnCount, d, DISTANCE, `d2[${i}]`));
    });

    it('DCR and NNDR summaries match the reference', async () => {
      const results = await evaluateTableMetrics(input, ['privacy.dcr', 'privacy.nndr']);
      const dcr = byId(results, 'privacy.dcr');
      close(dcr.score, ref.dcr.median, DISTANCE, 'dcr score (median)');
      for (const key of ['median', 'p05', 'mean'] as const) close(dcr.details[key], ref.dcr[key], DISTANCE, `dcr.${key}`);
      for (const gone of ['excludedRealRows', 'excludedSynthRows', 'excludedHoldoutRows']) assert.equal(gone in dcr.details, false, gone);
      const hist = dcr.details.histogram as { edges: number[]; counts: number[] };
      assert.deepEqual(hist.counts, ref.dcr.histogram.counts);
      hist.edges.forEach((e, k) => close(e, ref.dcr.histogram.edges[k], DISTANCE, `edge ${k}`));
      if (ref.dcr.shareCloserToTrain !== undefined) {
        close(dcr.details.shareCloserToTrain, ref.dcr.shareCloserToTrain, EXACT, 'shareCloserToTrain');
        // The natural baseline: the holdout rows' distance to the closest training row.
        const base = dcr.details.baseline as Record<string, number>;
        const expected = ref.dcr.baseline ?? { median: NaN, p05: NaN, mean: NaN, rows: NaN };
        for (const key of ['median', 'p05', 'mean'] as const) close(base[key], expected[key], DISTANCE, `baseline.${key}`);
        assert.equal(base.rows, expected.rows);
        const holdoutHist = dcr.details.holdoutHistogram as { edges: number[]; counts: number[] };
        assert.deepEqual(holdoutHist.edges, hist.edges);
        assert.deepEqual(holdoutHist.counts, ref.dcr.holdoutCounts);
      } else {
        assert.equal(dcr.details.shareCloserToTrain, undefined);
        assert.equal(dcr.details.baseline, undefined);
      }
      const nndr = byId(results, 'privacy.nndr');
      close(nndr.score, ref.dcr.nndrMedian, 1e-5, 'nndr median');
      close(nndr.details.p05, ref.dcr.nndrP05, 1e-5, 'nndr p05');
      if (ref.dcr.nndrBaselineMedian !== undefined)
        close((nndr.details.baseline as { median: number }).median, ref.dcr.nndrBaselineMedian, 1e-5, 'nndr baseline');
    });
  });
}
