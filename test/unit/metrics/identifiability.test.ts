// privacy.identifiability and privacy.authenticity against test/reference/metrics_reference.py, which
// writes both from the papers in numpy on the same distance: the missing-aware distance written
// directly for the mixed and ties tables, sklearn pairwise_distances / NearestNeighbors (manhattan) on
// range-scaled breast_cancer rows for the independent sample and the copy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnKind, Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { authenticityFrom, authenticityMetric, computeAuthenticity } from '../../../src/core/metrics/authenticity';
import { nearestRecords } from '../../../src/core/metrics/distanceSearch';
import { buildDistanceSpace } from '../../../src/core/metrics/distanceSpace';
import { computeIdentifiability, identifiabilityFrom, identifiabilityMetric } from '../../../src/core/metrics/identifiability';
import type { MetricResult } from '../../../src/core/metrics/types';
import { loadReferenceJson, loadReferenceTable, numericTable } from './csvTable';

interface Case {
  files: { real: string; synth: string; types?: string };
  identifiability: {
    identifiability: number;
    score: number;
    realRows: number;
    ties: number;
    rHat: number[];
    r: number[];
    minGap: number | null;
  };
  authenticity: { authenticShare: number; synthRows: number; ties: number; nearestTies: number; minGap: number | null };
}
const reference = loadReferenceJson<{ identifiability: Record<'mixed' | 'ties' | 'independent' | 'copy', Case> }>(
  'metrics.json',
).identifiability;

// Shares are counts over counts: equal to the reference once the distances compare alike. Distances
// are float32 sums (within 1e-6 of float64, see referenceValues.test.ts); the reference's minGap (the
// smallest nonzero gap a decision compares) is >= 6e-6 in every case here, so no decision can flip; an
// exact float64 tie can come out 1e-7 apart in float32 (mixed table), which sameDistance counts as a tie.
const EXACT = 1e-12;
const DISTANCE = 1e-6;

function load(c: Case): { real: Table; synth: Table } {
  const types = c.files.types ? loadReferenceJson<Record<string, ColumnKind>>(c.files.types) : {};
  return { real: loadReferenceTable(c.files.real, types), synth: loadReferenceTable(c.files.synth, types) };
}

function close(actual: unknown, expected: number, tol: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what} is not a number`);
  assert.ok(Math.abs((actual as number) - expected) <= tol, `${what}: ${String(actual)} vs reference ${expected} (tol ${tol})`);
}

async function both(input: { real: Table; synth: Table }): Promise<{ ident: MetricResult; auth: MetricResult }> {
  return { ident: await computeIdentifiability(input), auth: await computeAuthenticity(input) };
}

function checkAgainst(r: { ident: MetricResult; auth: MetricResult }, c: Case, what: string): void {
  close(r.ident.details.identifiability, c.identifiability.identifiability, EXACT, `${what} identifiability`);
  close(r.ident.score, c.identifiability.score, EXACT, `${what} identifiability score`);
  assert.equal(r.ident.details.realRows, c.identifiability.realRows);
  assert.equal(r.ident.details.ties, c.identifiability.ties, `${what} identifiability ties`);
  close(r.auth.details.authenticShare, c.authenticity.authenticShare, EXACT, `${what} authenticShare`);
  close(r.auth.score, c.authenticity.authenticShare, EXACT, `${what} authenticity score`);
  assert.equal(r.auth.details.synthRows, c.authenticity.synthRows);
  assert.equal(r.auth.details.ties, c.authenticity.ties, `${what} authenticity ties`);
}

async function checkDistances(input: { real: Table; synth: Table }, c: Case): Promise<void> {
  const space = buildDistanceSpace(input.real, input.synth);
  const toSynth = await nearestRecords(space, space.real, space.synth);
  const toReal = await nearestRecords(space, space.real, space.real);
  c.identifiability.rHat.forEach((d, i) => close(toSynth.d1[i] / space.columnCount, d, DISTANCE, `r_hat ${i}`));
  c.identifiability.r.forEach((d, i) => close(toReal.d2[i] / space.columnCount, d, DISTANCE, `r ${i}`));
}

describe('privacy.identifiability and privacy.authenticity vs the numpy / scikit-learn reference', () => {
  it('mixed table (gaps, dates, labels): distances, shares and ties', async () => {
    const c = reference.mixed;
    assert.ok((c.identifiability.minGap ?? 1) > 10 * DISTANCE && (c.authenticity.minGap ?? 1) > 10 * DISTANCE);
    const input = load(c);
    await checkDistances(input, c);
    const r = await both(input);
    checkAgainst(r, c, 'mixed');
    assert.deepEqual(r.ident.details.ignoredColumns, ['patient_id', 'notes']);
    assert.equal(r.auth.leftOut?.[0]?.count, 2);
  });

  it('duplicate rows: equal distances are not identified and count authentic; equally near real rows take the largest radius', async () => {
    const c = reference.ties;
    // The fixture does exercise ties (30 of 40 real rows tie, 12 of 15 synthetic rows have several nearest real rows).
    assert.ok(c.identifiability.ties > 0 && c.authenticity.ties > 0 && c.authenticity.nearestTies > 0);
    const input = load(c);
    await checkDistances(input, c);
    checkAgainst(await both(input), c, 'ties');
  });

  it('independent sample of the same distribution (breast_cancer 190 real / 189 synthetic): identifiability near chance', async () => {
    const c = reference.independent;
    assert.ok((c.identifiability.minGap ?? 1) > 5 * DISTANCE && (c.authenticity.minGap ?? 1) > 5 * DISTANCE);
    const input = load(c);
    await checkDistances(input, c);
    const r = await both(input);
    checkAgainst(r, c, 'independent');
    // Real row i, its n − 1 = 189 other real rows and the m = 189 synthetic rows are exchangeable draws,
    // so its nearest of those is synthetic with probability m / (m + n − 1) = 0.5. The indicators are
    // not independent; three binomial sd of the mean, 3 · sqrt(0.25 / 190) = 0.11, as the tolerance.
    const chance = 189 / (189 + 190 - 1);
    assert.ok(
      Math.abs((r.ident.details.identifiability as number) - chance) <= 0.11,
      `identifiability ${String(r.ident.details.identifiability)}`,
    );
    // Authenticity is well above the copy's 0 (0.62 here); it is not near 1 for honest samples either (a new
    // point falls inside its nearest real point's neighbour ball fairly often: 1/3 of the time in one dimension).
    assert.ok((r.auth.score as number) > 0.5, `authenticity ${String(r.auth.score)}`);
  });

  it('synthetic = a copy of the real rows: identifiability 1 (score 0), authenticity 0', async () => {
    const c = reference.copy;
    const { real } = load(c);
    const r = await both({ real, synth: real });
    checkAgainst(r, c, 'copy');
    assert.equal(r.ident.details.identifiability, 1);
    assert.equal(r.ident.score, 0);
    assert.equal(r.auth.score, 0);
  });
});

describe('identifiabilityFrom / authenticityFrom by hand', () => {
  it('identified only when strictly nearer; ties counted apart', () => {
    const r = identifiabilityFrom(Float64Array.from([0, 1, 2, 0]), Float64Array.from([1, 1, 1, 0]));
    assert.deepEqual(r, { identifiability: 0.25, ties: 2 });
  });

  it('authentic at or beyond the radius', () => {
    const r = authenticityFrom(Float64Array.from([0, 1, 2]), Float64Array.from([1, 1, 1]));
    assert.deepEqual(r, { authenticShare: 2 / 3, ties: 1 });
  });

  it('one-dimensional example: nearest of equally near real rows uses the larger radius', async () => {
    // Real 0, 1, 4 (range 4: radii 1, 1, 3 in units of 1/4, binary fractions, so exact in float32). Synthetic 2.5 is 1.5
    // from both 1 and 4: radius max(1, 3) = 3 > 1.5, unauthentic (with real 1's radius 1 it would be authentic).
    // Synthetic 8 (out of range) is 4 from real 4, radius 3: authentic.
    const r = await computeAuthenticity({ real: numericTable({ x: [0, 1, 4] }), synth: numericTable({ x: [2.5, 8] }) });
    assert.equal(r.score, 0.5);
  });
});

describe('descriptors and bad input', () => {
  it('descriptors: maximize on [0, 1], ids', () => {
    for (const m of [identifiabilityMetric, authenticityMetric]) {
      assert.equal(m.goal, 'maximize');
      assert.deepEqual(m.range, [0, 1]);
      assert.equal(m.modality, 'table');
    }
    assert.equal(identifiabilityMetric.id, 'privacy.identifiability');
    assert.equal(authenticityMetric.id, 'privacy.authenticity');
    assert.match(identifiabilityMetric.reference, /synthcity/);
    assert.match(authenticityMetric.reference, /synthcity/);
  });

  it('one real row is BAD_INPUT for both', async () => {
    const input = { real: numericTable({ a: [1] }), synth: numericTable({ a: [1, 2] }) };
    for (const f of [computeIdentifiability, computeAuthenticity]) {
      await assert.rejects(
        f(input),
        (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT' && /two real rows/.test(e.message),
      );
    }
  });

  it('a synthetic table lacking a real column is BAD_INPUT naming it', async () => {
    const input = { real: numericTable({ a: [1, 2], b: [1, 2] }), synth: numericTable({ a: [1, 2] }) };
    for (const f of [computeIdentifiability, computeAuthenticity]) {
      await assert.rejects(f(input), (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT' && /"b"/.test(e.message));
    }
  });

  it('an abort throws CANCELLED', async () => {
    const input = load(reference.independent);
    const controller = new AbortController();
    controller.abort();
    for (const f of [computeIdentifiability, computeAuthenticity]) {
      await assert.rejects(f(input, controller.signal), (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED');
    }
  });
});
