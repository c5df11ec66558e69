// The Article 29 attacks (src/core/metrics/attacks/) and the Wilson interval (src/core/math/wilson.ts):
// - Wilson intervals against hand computation (arithmetic below) and scipy.stats.binomtest(...).proportion_ci
//   (method='wilson') recorded by test/reference/attacks_reference.py;
// - the nearest synthetic records behind linkability and inference, and the inference guesses, against a
//   numpy brute force of the same mixed-type distance on a small fixed table (same script);
// - known answers: synthetic = a copy of the training rows → attacks succeed and the risk is high;
//   synthetic = an independent sample of the same distribution → risk near 0, its interval covering 0;
// - options missing (n/a), columns missing (BAD_INPUT), the baseline warning.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CategoricalColumn, ColumnKind, Table } from '../../../src/core/data/table/table';
import { MedSynthError } from '../../../src/core/errors';
import { residualRisk, wilsonInterval, Z_95 } from '../../../src/core/math/wilson';
import {
  attackColumns,
  ATTACKS_NEED_HOLDOUT,
  ATTACKS_NEED_QUASI_IDENTIFIERS,
  nearestSynthetic,
} from '../../../src/core/metrics/attacks/attackRun';
import { computeInference, guessIsRight, INFERENCE_NEEDS_SECRET, inferTargets } from '../../../src/core/metrics/attacks/inference';
import { computeLinkability, linkTargets, splitHalves } from '../../../src/core/metrics/attacks/linkability';
import { computeSinglingOut } from '../../../src/core/metrics/attacks/singlingOut';
import type { MetricOptions } from '../../../src/core/metrics/metricOptions';
import type { MetricResult, TableMetricInput } from '../../../src/core/metrics/types';
import { buildColumn, loadReferenceJson } from './csvTable';

interface Side {
  nearestA: number[];
  nearestB: number[];
  linked: number;
  tiedTargets: number;
}
const reference = loadReferenceJson<{
  kinds: Record<string, ColumnKind>;
  tables: Record<'real' | 'synth' | 'holdout', Record<string, string[]>>;
  linkability: { datasetA: string[]; datasetB: string[]; real: Side; holdout: Side };
  inference: { quasiIdentifiers: string[]; secret: string } & Record<
    'real' | 'holdout',
    { nearest: number[]; guesses: string[]; right: boolean[] }
  >;
  inferenceNumeric: { quasiIdentifiers: string[]; secret: string; tolerance: number } & Record<
    'real' | 'holdout',
    { nearest: number[]; right: boolean[] }
  >;
  wilson: { successes: number; trials: number; low: number; high: number }[];
}>('attacks.json');

function fixtureTable(cells: Record<string, string[]>): Table {
  const names = Object.keys(cells);
  return { rowCount: cells[names[0]].length, columns: names.map((n) => buildColumn(n, reference.kinds[n], cells[n])) };
}
const fixture = {
  real: fixtureTable(reference.tables.real),
  synth: fixtureTable(reference.tables.synth),
  holdout: fixtureTable(reference.tables.holdout),
};
const allRows = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const qi = (...names: string[]): MetricOptions['quasiIdentifiers'] => names.map((column) => ({ column }));

describe('Wilson score interval', () => {
  it('matches hand computation', () => {
    // 40 of 100, z = 1.959963984540054: z² = 3.8414588206941254, n + z² = 103.84145882069413,
    // centre = (40 + z²/2) / (n + z²) = 41.920729410347064 / 103.84145882069413 = 0.40369934982069855;
    // k(n − k)/n + z²/4 = 24 + 0.96036470517 = 24.960364705173532, sqrt = 4.996034898314216,
    // z / (n + z²) = 0.01887458060392215, half-width = 0.01887458060392215 × 4.996034898314216 = 0.09429806338823966,
    // interval = [0.3094012864324589, 0.4979974132089382].
    const w = wilsonInterval(40, 100);
    assert.ok(Math.abs(w.rate - 0.40369934982069855) < 1e-15);
    assert.ok(Math.abs(w.halfWidth - 0.09429806338823966) < 1e-15);
    assert.ok(Math.abs(w.low - 0.3094012864324589) < 1e-15);
    assert.ok(Math.abs(w.high - 0.4979974132089382) < 1e-15);
    assert.equal(w.observed, 0.4);
    // 0 of 10: n + z² = 13.841458820694125, centre = 1.9207294103470627 / 13.841458820694125 = 0.1387663999314446,
    // k(n − k)/n + z²/4 = 0.9603647051735313, half-width = 0.14160096922802284 × 0.979981992270027 = 0.13876639993144463
    // (= the centre: the interval starts at 0), high = 0.27753279986288926.
    const z = wilsonInterval(0, 10);
    assert.ok(Math.abs(z.rate - 0.1387663999314446) < 1e-15);
    assert.equal(z.low, 0);
    assert.ok(Math.abs(z.high - 0.27753279986288926) < 1e-15);
    assert.ok(Math.abs(Z_95 ** 2 - 3.8414588206941254) < 1e-15);
  });

  it('matches scipy binomtest proportion_ci(method="wilson")', () => {
    for (const c of reference.wilson) {
      const w = wilsonInterval(c.successes, c.trials);
      assert.ok(Math.abs(w.low - c.low) < 1e-12, `${c.successes}/${c.trials} low ${w.low} vs ${c.low}`);
      assert.ok(Math.abs(w.high - c.high) < 1e-12, `${c.successes}/${c.trials} high ${w.high} vs ${c.high}`);
    }
  });

  it('propagates both half-widths into the risk (hand computation)', () => {
    // main 40/100: m = 0.40369934982069855, δm = 0.09429806338823966; control 0/10: c = δc = 0.1387663999314446.
    // R = (m − c) / (1 − c) = 0.264932949889254 / 0.8612336000685554 = 0.30762031331355966;
    // ∂R/∂m = 1 / (1 − c) = 1.1611251580528192, ∂R/∂c = (m − 1) / (1 − c)² = −0.59630065 / 0.7417233138870445
    // = −0.8039394731363545; δR = sqrt((δm·1.16112516)² + (δc·0.80393947)²) = sqrt(0.10949185² + 0.11155979²)
    // = 0.15631395328511086; interval [0.1513063600284488, 0.46393426659867054].
    const r = residualRisk(wilsonInterval(40, 100), wilsonInterval(0, 10));
    assert.ok(Math.abs(r.residual - 0.30762031331355966) < 1e-14);
    assert.ok(Math.abs(r.error - 0.15631395328511086) < 1e-14);
    assert.ok(Math.abs(r.low - 0.1513063600284488) < 1e-14);
    assert.ok(Math.abs(r.high - 0.46393426659867054) < 1e-14);
    // A control easier to attack than the main gives a negative residual, reported as risk 0.
    const neg = residualRisk(wilsonInterval(0, 10), wilsonInterval(40, 100));
    assert.ok(neg.residual < 0);
    assert.equal(neg.value, 0);
    assert.equal(neg.low, 0);
  });

  it('rejects impossible counts', () => {
    assert.throws(() => wilsonInterval(5, 3), RangeError);
    assert.throws(() => wilsonInterval(-1, 3), RangeError);
  });
});

describe('attack nearest neighbours against the numpy brute force', () => {
  it('linkability: nearest synthetic record on each half, and the links', async () => {
    const quasi = ['age', 'sex', 'bmi', 'smoker'];
    const [a, b] = splitHalves(quasi);
    assert.deepEqual([a, b], [reference.linkability.datasetA, reference.linkability.datasetB]);
    const cols = attackColumns(fixture, fixture.holdout, quasi);
    for (const side of ['real', 'holdout'] as const) {
      const got = await linkTargets(cols.slice(0, 2), cols.slice(2), side, allRows(40));
      assert.deepEqual(Array.from(got.nearestA), reference.linkability[side].nearestA, `${side} A`);
      assert.deepEqual(Array.from(got.nearestB), reference.linkability[side].nearestB, `${side} B`);
      assert.equal(got.linked, reference.linkability[side].linked);
    }
    // Tied nearest records occur in this table (2 real and 9 holdout targets), so the lowest-index rule is checked.
    assert.ok(reference.linkability.real.tiedTargets + reference.linkability.holdout.tiedTargets > 0);
  });

  it('inference: nearest record, guessed label and right / wrong (categorical secret)', async () => {
    const ref = reference.inference;
    const cols = attackColumns(fixture, fixture.holdout, [...ref.quasiIdentifiers, ref.secret]);
    const secret = cols[ref.quasiIdentifiers.length];
    const found = fixture.synth.columns.find((c) => c.name === 'diagnosis');
    assert.ok(found && 'codes' in found);
    const diagnosis: CategoricalColumn = found;
    for (const side of ['real', 'holdout'] as const) {
      const got = await inferTargets(cols.slice(0, -1), secret, side, allRows(40));
      assert.deepEqual(Array.from(got.nearest), ref[side].nearest, side);
      assert.deepEqual(
        Array.from(got.nearest, (s): string => diagnosis.categories[diagnosis.codes[s]]),
        ref[side].guesses,
      );
      const right = Array.from(got.nearest, (s, i) => guessIsRight(secret, secret.synth[s], secret[side][i]));
      assert.deepEqual(right, ref[side].right, side);
      assert.equal(got.right, ref[side].right.filter(Boolean).length);
    }
  });

  it('inference: numeric secret within 5% of the real range', async () => {
    const ref = reference.inferenceNumeric;
    const cols = attackColumns(fixture, fixture.holdout, [...ref.quasiIdentifiers, ref.secret]);
    const secret = cols[ref.quasiIdentifiers.length];
    assert.ok(Math.abs(0.05 * secret.range - ref.tolerance) < 1e-12);
    for (const side of ['real', 'holdout'] as const) {
      const nearest = await nearestSynthetic(cols.slice(0, -1), side, allRows(40));
      assert.deepEqual(Array.from(nearest), ref[side].nearest, side);
      const right = Array.from(nearest, (s, i) => guessIsRight(secret, secret.synth[s], secret[side][i]));
      assert.deepEqual(right, ref[side].right, side);
    }
  });
});

// Known-answer tables: a small seeded generator of our own (a 32-bit LCG), independent of the code under test.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
const KINDS: Record<string, ColumnKind> = {
  age: 'numeric',
  sex: 'categorical',
  bmi: 'numeric',
  smoker: 'boolean',
  diagnosis: 'categorical',
};
function population(n: number, seed: number): Table {
  const u = lcg(seed);
  const cells: Record<string, string[]> = { age: [], sex: [], bmi: [], smoker: [], diagnosis: [] };
  for (let i = 0; i < n; i++) {
    const age = 20 + 70 * u();
    cells.age.push(age.toFixed(2));
    cells.sex.push(u() < 0.5 ? 'F' : 'M');
    cells.bmi.push((18 + (16 * (u() + u())) / 2).toFixed(2));
    cells.smoker.push(u() < 0.3 ? 'true' : 'false');
    // The diagnosis leans on age, so a nearest neighbour guesses it better than chance for anyone.
    cells.diagnosis.push(age > 60 ? (u() < 0.7 ? 'I10' : 'E11') : ['J45', 'M54', 'E11', 'I10'][Math.floor(u() * 4)]);
  }
  return { rowCount: n, columns: Object.keys(cells).map((k) => buildColumn(k, KINDS[k], cells[k])) };
}
const train = population(400, 1);
const holdoutRows = population(400, 2);
const options: MetricOptions = { quasiIdentifiers: qi('age', 'sex', 'bmi', 'smoker'), secret: 'diagnosis', seed: 0 };

const ATTACKS: [string, (input: TableMetricInput) => Promise<MetricResult>][] = [
  ['singlingOut', computeSinglingOut],
  ['linkability', computeLinkability],
  ['inference', computeInference],
];

interface Rate {
  rate: number;
  ci95: [number, number];
  attacks: number;
}
const risk = (r: MetricResult): { value: number; ci95: [number, number] } => r.details.risk as { value: number; ci95: [number, number] };

describe('known answers', () => {
  for (const [name, compute] of ATTACKS) {
    it(`${name}: a copy of the training rows is found`, async () => {
      const r = await compute({ real: train, synth: train, holdout: holdoutRows, options });
      const main = r.details.main as Rate;
      assert.ok(main.rate > 0.85, `${name} main ${main.rate}`);
      assert.ok(risk(r).value > 0.6 && risk(r).ci95[0] > 0.4, `${name} risk ${JSON.stringify(risk(r))}`);
      assert.equal(r.score, 1 - risk(r).value);
      assert.equal(r.details.baselineWarning, undefined);
      const base = r.details.baseline as Rate;
      assert.ok(base.rate < main.rate);
    });

    it(`${name}: an independent sample carries no risk`, async () => {
      const r = await compute({ real: train, synth: population(400, 3), holdout: holdoutRows, options });
      assert.ok(risk(r).value < 0.2, `${name} risk ${JSON.stringify(risk(r))}`);
      assert.equal(risk(r).ci95[0], 0, `${name} interval ${JSON.stringify(risk(r).ci95)}`);
      assert.ok((r.score ?? 0) > 0.8);
    });

    it(`${name}: the same seed gives the same result, and attacks are capped at the table size`, async () => {
      const input = { real: train, synth: population(300, 4), holdout: holdoutRows, options };
      assert.deepEqual(await compute(input), await compute(input));
      assert.ok((((await compute(input)).details.main as Rate).attacks ?? 0) <= 400);
    });
  }
});

describe('options and bad input', () => {
  for (const [name, compute] of ATTACKS) {
    it(`${name}: n/a without quasi-identifiers or holdout`, async () => {
      const none = await compute({ real: train, synth: train, holdout: holdoutRows });
      assert.equal(none.notApplicable, ATTACKS_NEED_QUASI_IDENTIFIERS);
      assert.equal(none.score, null);
      const noHoldout = await compute({ real: train, synth: train, options });
      assert.equal(noHoldout.notApplicable, ATTACKS_NEED_HOLDOUT);
    });

    it(`${name}: a named column missing from the synthetic table is BAD_INPUT`, async () => {
      const synth: Table = { rowCount: train.rowCount, columns: train.columns.filter((c) => c.name !== 'bmi') };
      await assert.rejects(
        compute({ real: train, synth, holdout: holdoutRows, options }),
        (e) => e instanceof MedSynthError && e.code === 'BAD_INPUT',
      );
      const hold: Table = { rowCount: holdoutRows.rowCount, columns: holdoutRows.columns.filter((c) => c.name !== 'sex') };
      await assert.rejects(
        compute({ real: train, synth: train, holdout: hold, options }),
        (e) => e instanceof MedSynthError && e.code === 'BAD_INPUT',
      );
    });

    it(`${name}: a quasi-identifier the real table lacks is BAD_USAGE`, async () => {
      await assert.rejects(
        compute({ real: train, synth: train, holdout: holdoutRows, options: { quasiIdentifiers: qi('age', 'zip') } }),
        (e) => e instanceof MedSynthError && e.code === 'BAD_USAGE',
      );
    });
  }

  it('inference needs the secret; linkability needs two quasi-identifiers', async () => {
    const noSecret = await computeInference({ real: train, synth: train, holdout: holdoutRows, options: { quasiIdentifiers: qi('age') } });
    assert.equal(noSecret.notApplicable, INFERENCE_NEEDS_SECRET);
    const one = await computeLinkability({ real: train, synth: train, holdout: holdoutRows, options: { quasiIdentifiers: qi('age') } });
    assert.ok(one.notApplicable);
    const synth: Table = { rowCount: train.rowCount, columns: train.columns.filter((c) => c.name !== 'diagnosis') };
    await assert.rejects(
      computeInference({ real: train, synth, holdout: holdoutRows, options }),
      (e) => e instanceof MedSynthError && e.code === 'BAD_INPUT',
    );
  });

  it('warns when the attack does no better than the random baseline', async () => {
    // One synthetic record: both halves always point at it, and so does a random pick: main = baseline = 100%.
    const one: Table = { rowCount: 1, columns: population(1, 5).columns };
    const r = await computeLinkability({ real: train, synth: one, holdout: holdoutRows, options });
    assert.equal(typeof r.details.baselineWarning, 'string');
    assert.equal((r.details.main as Rate).rate, (r.details.baseline as Rate).rate);
  });

  it('a numeric column read as labels in the synthetic table is BAD_INPUT', async () => {
    const synth: Table = {
      rowCount: train.rowCount,
      columns: train.columns.map((c) => (c.name === 'age' ? buildColumn('age', 'categorical', allRows(train.rowCount).map(String)) : c)),
    };
    await assert.rejects(
      computeSinglingOut({ real: train, synth, holdout: holdoutRows, options }),
      (e) => e instanceof MedSynthError && e.code === 'BAD_INPUT',
    );
  });
});
