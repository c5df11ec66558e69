// The bootstrap intervals of the distance-based privacy metrics (their resample closures: dcr, nndr,
// membershipInference, identifiability, authenticity, dcrBaselineProtection, dcrOverfittingProtection,
// membershipDensity). Expected values come from test/reference/bootstrap_distance_reference.py: per-row
// distances, the counter-based draws of bootstrap.ts rebuilt in numpy, the resampled scores from
// numpy.median / scikit-learn roc_auc_score and roc_curve, and the shifted percentile interval from
// numpy.percentile. The behavioural checks (a copy of the training data, independent samples) rest on
// what the attack must show, and the wiring checks on the metric's own score: the identity draw
// (every row once) must give the score back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { authenticRows } from '../../../src/core/metrics/authenticity';
import { bootstrapDraw, runBootstrap, withResample } from '../../../src/core/metrics/bootstrap';
import { distanceSummary, resampledQuantile } from '../../../src/core/metrics/dcr';
import { baselineResample } from '../../../src/core/metrics/dcrBaselineProtection';
import { overfittingResample } from '../../../src/core/metrics/dcrOverfittingProtection';
import { identifiedRows } from '../../../src/core/metrics/identifiability';
import {
  computeMembershipInference,
  MEMBERSHIP_INFERENCE_ID,
  membershipPrivacyScore,
  resampledMembershipAttack,
} from '../../../src/core/metrics/membershipInference';
import { shareFlagged } from '../../../src/core/metrics/exactCopies';
import { sharedNeighbours } from '../../../src/core/metrics/neighbourCache';
import { distanceRatios } from '../../../src/core/metrics/nndr';
import { evaluateTableMetrics, getTableMetric } from '../../../src/core/metrics/registry';
import type { MetricResult, TableMetricInput } from '../../../src/core/metrics/types';
import { buildColumn, loadReferenceJson, numericTable } from './csvTable';

type Draw = (n: number) => Uint32Array;
type Closure = (draw: Draw) => number | null;
interface Attack {
  auc: number;
  tprAtFpr: Record<string, number>;
}
interface Case {
  id: string;
  seed: number;
  resamples: number;
  score: number;
  firstDraws: number[][];
  scores: (number | null)[];
  skipped: number;
  ci95: [number, number];
  bias: number;
  attacks?: Attack[];
  [values: string]: unknown;
}

const ref = loadReferenceJson<{ cases: Record<string, Case> }>('bootstrap_distance.json');
const f64 = (c: Case, key: string): Float64Array => Float64Array.from(c[key] as number[]);
const close = (actual: number | null | undefined, expected: number, what: string, tol = 1e-9): void =>
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

/** Each case's closure, built from the fixture's per-row values with the helpers the metric files use. */
const closures: Record<string, (c: Case) => Closure> = {
  dcr: (c) => resampledQuantile(f64(c, 'dcr'), 0.5),
  nndr: (c) => resampledQuantile(distanceRatios(f64(c, 'd1'), f64(c, 'd2')), 0.5),
  membership: (c) => {
    const attack = resampledMembershipAttack(f64(c, 'members'), f64(c, 'nonMembers'));
    return (draw) => membershipPrivacyScore(attack(draw).auc);
  },
  identifiability: (c) => {
    const flags = identifiedRows(f64(c, 'toSynth'), f64(c, 'toOtherReal'));
    return (draw) => 1 - shareFlagged(flags, draw(flags.length));
  },
  authenticity: (c) => {
    const flags = authenticRows(f64(c, 'toReal'), f64(c, 'radius'));
    return (draw) => shareFlagged(flags, draw(flags.length));
  },
  dcrBaseline: (c) => baselineResample(f64(c, 'synthetic'), f64(c, 'random')),
  dcrOverfitting: (c) => {
    const train = f64(c, 'toTrain');
    const hold = f64(c, 'toHoldout');
    return overfittingResample(
      Uint8Array.from(train, (d, i) => (d < hold[i] ? 1 : 0)),
      c.trainRows as number,
      c.holdoutRows as number,
    );
  },
  membershipDensity: (c) => {
    // Higher log ratio = member; the attack ranks smaller values first, as the metric passes them.
    const attack = resampledMembershipAttack(
      f64(c, 'memberScores').map((v) => -v),
      f64(c, 'nonMemberScores').map((v) => -v),
    );
    return (draw) => membershipPrivacyScore(attack(draw).auc);
  },
};

const identity: Draw = (n) => Uint32Array.from({ length: n }, (_, i) => i);

describe('distance-based privacy bootstrap against bootstrap_distance_reference.py', () => {
  for (const [name, c] of Object.entries(ref.cases)) {
    it(`${name}: the draws, every resampled score and the shifted percentile interval`, async () => {
      const closure = closures[name](c);
      close(closure(identity), c.score, `${name} score on every row once`);
      // The counter-based draws: numpy rebuilt the first resample's index lists from the definition.
      const draw = bootstrapDraw(c.seed, c.id, 0);
      c.firstDraws.forEach((list, k) => assert.deepEqual(Array.from(draw(list.length)), list, `${name} draw call ${k}`));
      c.scores.forEach((expected, b) => {
        const got = closure(bootstrapDraw(c.seed, c.id, b));
        if (expected === null) assert.equal(got, null, `${name} resample ${b} has no score`);
        else close(got, expected, `${name} resample ${b}`);
      });
      const result = withResample({ id: c.id, score: c.score, details: {} }, closure);
      const out = await runBootstrap(result, { resamples: c.resamples, seed: c.seed }, undefined, Infinity, [0, 1]);
      const ci = out.details.ci95 as [number, number];
      close(ci[0], c.ci95[0], `${name} ci95 low`);
      close(ci[1], c.ci95[1], `${name} ci95 high`);
      const record = out.details.bootstrap as { completed: number; skipped: number; bias: number };
      assert.equal(record.skipped, c.skipped);
      assert.equal(record.completed, c.resamples - c.skipped);
      close(record.bias, c.bias, `${name} bias`);
    });
  }

  it('gives the TPR at FPR 0.01 and 0.1 of sklearn roc_curve on the drawn members and non-members', () => {
    for (const [name, keys, sign] of [
      ['membership', ['members', 'nonMembers'], 1],
      ['membershipDensity', ['memberScores', 'nonMemberScores'], -1],
    ] as const) {
      const c = ref.cases[name];
      const attack = resampledMembershipAttack(
        f64(c, keys[0]).map((v) => sign * v),
        f64(c, keys[1]).map((v) => sign * v),
      );
      c.attacks?.forEach((expected, b) => {
        const got = attack(bootstrapDraw(c.seed, c.id, b));
        close(got.auc, expected.auc, `${name} AUC ${b}`);
        for (const level of ['0.01', '0.1']) close(got.tprAtFpr[level], expected.tprAtFpr[level], `${name} TPR@${level} ${b}`);
      });
      assert.equal(c.attacks?.length, c.resamples);
    }
  });

  it('gives no value for no rows and asks for the row count of its sample', () => {
    assert.ok(Number.isNaN(resampledQuantile(new Float64Array(0), 0.5)(identity) as number));
    let asked = -1;
    resampledQuantile(Float64Array.of(3, 1, 2), 0.5)((n) => ((asked = n), identity(n)));
    assert.equal(asked, 3);
    // Drawn twice the largest: the median of [3, 3, 1] is 3.
    assert.equal(
      resampledQuantile(Float64Array.of(3, 1, 2), 0.5)(() => Uint32Array.of(0, 0, 1)),
      3,
    );
    assert.equal(distanceSummary(Float64Array.of(3, 3, 1)).median, 3);
  });
});

/** n rows of two numbers and a category from a seeded LCG; `shift` moves the numbers. */
function rowsTable(seed: number, n: number, shift = 0): Table {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const t = numericTable({
    age: Array.from({ length: n }, () => Math.round(20 + shift + 60 * u())),
    bmi: Array.from({ length: n }, () => 18 + 12 * u()),
  });
  const ward = buildColumn(
    'ward',
    'categorical',
    Array.from({ length: n }, () => ['A', 'B', 'C'][Math.floor(3 * u())]),
  );
  return { rowCount: n, columns: [...t.columns, ward] };
}

const DISTANCE_IDS = [
  'privacy.dcr',
  'privacy.nndr',
  'privacy.membershipInference',
  'privacy.identifiability',
  'privacy.authenticity',
  'privacy.dcrBaselineProtection',
  'privacy.dcrOverfittingProtection',
  'privacy.membershipDensity',
];

/** The AUC interval of the distance attack: the metric's own distances, resampled as its closure does. */
async function aucInterval(input: TableMetricInput): Promise<{ result: MetricResult; auc: [number, number] }> {
  const result = await computeMembershipInference(input);
  const members = await sharedNeighbours(input, 'real', 'synth');
  const nonMembers = await sharedNeighbours(input, 'holdout', 'synth');
  const attack = resampledMembershipAttack(members.d1, nonMembers.d1);
  // The metric's closure is this attack's AUC turned into the privacy score.
  for (let b = 0; b < 3; b++) {
    const own = result.resample?.(bootstrapDraw(0, MEMBERSHIP_INFERENCE_ID, b));
    close(own, membershipPrivacyScore(attack(bootstrapDraw(0, MEMBERSHIP_INFERENCE_ID, b)).auc), `closure ${b}`, 0);
  }
  const aucResult = withResample({ id: MEMBERSHIP_INFERENCE_ID, score: result.details.auc as number, details: {} }, (d) => attack(d).auc);
  const out = await runBootstrap(aucResult, { resamples: 200, seed: 0 }, undefined, Infinity, [0, 1]);
  return { result, auc: out.details.ci95 as [number, number] };
}

describe('distance-based privacy bootstrap on tables', () => {
  it('gives every metric a closure that returns its score on every row once, and an interval through the registry', async () => {
    const real = rowsTable(1, 120);
    const input = { real, synth: rowsTable(2, 100, 5), holdout: rowsTable(3, 80) };
    for (const id of DISTANCE_IDS) {
      const r = await getTableMetric(id)!.compute(input);
      assert.ok(r.resample, `${id} offers a resample`);
      close(r.resample(identity), r.score ?? Number.NaN, `${id} on every row once`, 1e-12);
    }
    const results = await evaluateTableMetrics({ ...input, options: { bootstrap: 60, seed: 3 } }, DISTANCE_IDS);
    for (const r of results) {
      const ci = r.details.ci95 as [number, number] | undefined;
      assert.ok(ci && ci[0] <= ci[1] && ci[0] >= 0 && ci[1] <= 1, `${r.id} ci95 ${JSON.stringify(ci)} ${r.error ?? ''}`);
      assert.equal((r.details.bootstrap as { completed: number }).completed, 60, r.id);
      assert.ok(!('resample' in r), `${r.id} closure dropped`);
    }
  });

  it('puts the membership AUC interval well above 0.5 for a copy of the training rows', async () => {
    const real = rowsTable(11, 300);
    const { result, auc } = await aucInterval({ real, synth: real, holdout: rowsTable(12, 300) });
    assert.ok(auc[0] > 0.9, `AUC interval ${auc}`);
    const scored = await runBootstrap(result, { resamples: 200, seed: 0 }, undefined, Infinity, [0, 1]);
    const ci = scored.details.ci95 as [number, number];
    assert.ok(ci[1] < 0.2, `privacy score interval ${ci}`);
  });

  it('puts 0.5 inside the membership AUC interval for independent samples', async () => {
    const { result, auc } = await aucInterval({ real: rowsTable(21, 300), synth: rowsTable(22, 300), holdout: rowsTable(23, 300) });
    assert.ok(auc[0] < 0.5 && 0.5 < auc[1], `AUC interval ${auc}`);
    const scored = await runBootstrap(result, { resamples: 200, seed: 0 }, undefined, Infinity, [0, 1]);
    assert.equal((scored.details.ci95 as [number, number])[1], 1, 'the privacy score interval reaches 1');
  });

  it('gives no interval to a metric without a score and BAD_USAGE for a bad seed', async () => {
    const input = { real: rowsTable(31, 40), synth: rowsTable(32, 30) };
    const na = await getTableMetric('privacy.membershipInference')!.compute(input);
    const out = await runBootstrap(na, { resamples: 50, seed: 0 });
    assert.equal(out.details.ci95, undefined);
    const dcr = await getTableMetric('privacy.dcr')!.compute(input);
    await assert.rejects(
      runBootstrap(dcr, { resamples: 50, seed: -1 }),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE',
    );
  });
});
