// The privacy verdict's base rates and small-sample caveat. Expected levels follow from how the data
// are built: coarse one-decimal values drawn independently of the real rows collide with them as often
// as two real samples do (not a leak); continuous values copied from the training rows never collide
// by chance (a leak); a 42-row table split 34/8 is judged only with a stated caveat.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NumericColumn, Table } from '../../../src/core/data/table/table';
import { computeDcr } from '../../../src/core/metrics/dcr';
import { computeExactCopies } from '../../../src/core/metrics/exactCopies';
import { buildReport } from '../../../src/core/report/build';
import { renderReportHtml } from '../../../src/core/report/html';
import { copiesAtBaseRate, copiesExpectedAtMost, reportVerdict, SMALL_HOLDOUT_ROWS } from '../../../src/core/report/verdict';
import { uniforms } from './uniforms';

/** A table of numeric columns only, so tests can reach the values without narrowing. */
interface NumericTable {
  readonly rowCount: number;
  readonly columns: NumericColumn[];
}

function table(rows: number, next: () => number, decimals?: number): NumericTable {
  const columns = ['a', 'b'].map((name): NumericColumn => {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = decimals === undefined ? next() : Number(next().toFixed(decimals));
    return { kind: 'numeric', name, values, integer: false };
  });
  return { rowCount: rows, columns };
}

async function copiesLine(real: Table, synth: Table, holdout?: Table): Promise<{ level: string; text: string }> {
  const results = [computeExactCopies({ real, synth, holdout })];
  const line = reportVerdict(buildReport(real, synth, results, { holdout })).find((l) => /cop|equal a real row/.test(l.text));
  assert.ok(line);
  return line;
}

describe('exact-copy verdict with its base rate', () => {
  it('bounds the copies chance allows by the expected count plus three binomial standard deviations (by hand)', () => {
    // p = 0.25, n = 400: 100 + 3 * sqrt(400 * 0.25 * 0.75) = 100 + 3 * sqrt(75).
    assert.ok(Math.abs(copiesExpectedAtMost(0.25, 400) - (100 + 3 * Math.sqrt(75))) < 1e-12);
    assert.equal(copiesExpectedAtMost(0, 400), 0);
  });

  it('one-decimal data whose rows collide by nature is not called a leak, and the base rate is stated', async () => {
    const next = uniforms(11);
    // Two one-decimal columns: 11 × 11 = 121 possible rows, so independent samples share most of them.
    const train = table(400, next, 1);
    const holdout = table(100, next, 1);
    const synth = table(400, next, 1);
    const line = await copiesLine(train, synth, holdout);
    assert.equal(line.level, 'good', line.text);
    // The score table does not colour those natural collisions as a leak either.
    const copies = buildReport(train, synth, [computeExactCopies({ real: train, synth, holdout })], { holdout }).metrics[0];
    assert.ok((copies.score ?? 0) > 0.5, `most rows collide: ${copies.score}`);
    assert.equal(copiesAtBaseRate(copies), true);
    assert.match(
      renderReportHtml(buildReport(train, synth, [computeExactCopies({ real: train, synth, holdout })], { holdout })),
      /<td class="score good">/,
    );
    assert.match(
      line.text,
      /synthetic rows \([\d.]+%\) equal a real row in every compared column, about as often as two independent samples of the real data share rows \(\d+ of 100 holdout rows \([\d.]+%\) equal a training row\)/,
    );
  });

  it('without a holdout, the base rate compares each real row with the others and says so', async () => {
    const next = uniforms(12);
    const line = await copiesLine(table(400, next, 1), table(400, next, 1));
    assert.equal(line.level, 'good', line.text);
    assert.match(line.text, /real rows \([\d.]+%\) equal another real row; no holdout was given/);
  });

  it('copies of continuous training rows, which never collide by chance, are poor', async () => {
    const next = uniforms(13);
    const train = table(400, next);
    const holdout = table(100, next);
    // Ten training rows copied into otherwise fresh synthetic data.
    const fresh = table(400, next);
    const synth: Table = {
      rowCount: 400,
      columns: fresh.columns.map((c, k) => ({ ...c, values: c.values.map((v, r) => (r < 10 ? train.columns[k].values[r * 3] : v)) })),
    };
    const line = await copiesLine(train, synth, holdout);
    assert.equal(line.level, 'poor', line.text);
    assert.equal(
      copiesAtBaseRate(buildReport(train, synth, [computeExactCopies({ real: train, synth, holdout })], { holdout }).metrics[0]),
      false,
    );
    assert.match(
      line.text,
      /^10 of 400 synthetic rows \(2\.50%\) equal a real row in every compared column, more than two independent samples of the real data share \(0 of 100 holdout rows \(0\.0%\) equal a training row\): those rows disclose real records\.$/,
    );
  });
});

describe('small-sample caveat', () => {
  it('a 42-row table judged on 8 holdout rows says so, and its memorisation line is never "good"', async () => {
    const next = uniforms(21);
    const train = table(34, next);
    const holdout = table(8, next);
    const synth = table(42, next);
    const dcr = await computeDcr({ real: train, synth, holdout });
    const report = buildReport(train, synth, [dcr, computeExactCopies({ real: train, synth, holdout })], { holdout });
    const privacy = reportVerdict(report).filter((l) => l.topic === 'privacy');
    const memorisation = privacy.find((l) => /holdout/.test(l.text) && /nearer a training row/.test(l.text));
    assert.ok(memorisation, JSON.stringify(privacy));
    assert.notEqual(memorisation.level, 'good');
    assert.match(
      memorisation.text,
      new RegExp(
        `Small sample: only 34 real rows and 8 holdout rows \\(below 200 real or ${SMALL_HOLDOUT_ROWS} holdout rows these comparisons are rough\\)`,
      ),
    );
    // The memorisation line also gives the distance baseline: holdout rows' median distance to training rows.
    assert.match(
      memorisation.text,
      /Median distance to the closest training row: synthetic rows \d\.\d{3}, holdout rows \d\.\d{3} \(real patients the generator never saw: the natural baseline\)/,
    );
  });

  it('a table of 400 training and 100 holdout rows carries no caveat', async () => {
    const next = uniforms(22);
    const train = table(400, next);
    const holdout = table(100, next);
    const synth = table(300, next);
    const report = buildReport(train, synth, [await computeDcr({ real: train, synth, holdout })], { holdout });
    assert.ok(reportVerdict(report).every((l) => !/Small sample/.test(l.text)));
  });
});
