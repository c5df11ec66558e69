// The holdout-based privacy verdict. Expected values: the size balancing by hand, and two simulations
// whose answer is known from their construction: synthetic rows drawn independently of the training
// rows (chance level: the nearest of train ∪ holdout is any of them alike, so trainRows / all rows are
// closer to train) must read as "good" although the raw share is near 80%, and rows that copy training
// rows with a small jitter must read as "poor".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Table } from '../../../src/core/data/table/table';
import { computeDcr } from '../../../src/core/metrics/dcr';
import { buildReport } from '../../../src/core/report/build';
import { balancedShareCloserToTrain, holdoutVerdict, reportVerdict } from '../../../src/core/report/verdict';
import { uniforms } from './uniforms';

/** Rows × 4 standard-normal columns (Box–Muller), as a numeric table. */
function gaussianTable(rows: number, next: () => number): Table {
  const columns = Array.from({ length: 4 }, (_, c) => {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
    return { kind: 'numeric' as const, name: `x${c}`, values, integer: false };
  });
  return { rowCount: rows, columns };
}

async function privacyLine(train: Table, holdout: Table, synth: Table): Promise<{ share: number; level: string; text: string }> {
  const dcr = await computeDcr({ real: train, synth, holdout });
  const report = buildReport(train, synth, [dcr], { holdout });
  const line = reportVerdict(report).find((l) => l.topic === 'privacy');
  assert.ok(line);
  return { share: dcr.details.shareCloserToTrain as number, level: line.level, text: line.text };
}

describe('holdout privacy verdict', () => {
  it('balances the share for unequal set sizes (hand-computed)', () => {
    // Equal sizes: the share itself.
    assert.equal(balancedShareCloserToTrain(0.62, 100, 100), 0.62);
    // 400 vs 100: chance is 400/500 = 0.8, which maps to 0.5.
    assert.ok(Math.abs(balancedShareCloserToTrain(0.8, 400, 100) - 0.5) < 1e-12);
    // 0.76 with 400 vs 100: 0.76·100 / (0.76·100 + 0.24·400) = 76 / 172.
    assert.ok(Math.abs(balancedShareCloserToTrain(0.76, 400, 100) - 76 / 172) < 1e-12);
    assert.equal(balancedShareCloserToTrain(1, 400, 100), 1);
    assert.equal(balancedShareCloserToTrain(0, 400, 100), 0);
  });

  it('grades the balanced share: <= 0.55 good, <= 0.6 fair, else poor, saying what 50% means', () => {
    const same = { train: 200, holdout: 200 };
    assert.equal(holdoutVerdict(0.55, same).level, 'good');
    assert.equal(holdoutVerdict(0.58, same).level, 'fair');
    assert.equal(holdoutVerdict(0.61, same).level, 'poor');
    assert.equal(
      holdoutVerdict(0.5, same).text,
      'Synthetic rows are no closer to the training patients than to unseen holdout patients. 50% of synthetic rows are nearer a training row than a holdout row; ' +
        'chance alone gives 50% with 200 training and 200 holdout rows. 50% would mean no pull towards the training patients.',
    );
    // 80% closer with 400 vs 100 rows is exactly chance; the sentence has no nested parentheses.
    const chance = holdoutVerdict(0.8, { train: 400, holdout: 100 });
    assert.equal(chance.level, 'good');
    assert.match(
      chance.text,
      /80% of synthetic rows are nearer a training row than a holdout row; chance alone gives 80% with 400 training and 100 holdout rows\. Adjusted to sets of one size that is 50%, where 50% means no pull towards the training patients\./,
    );
    assert.doesNotMatch(chance.text, /[()]/);
  });

  it('reads an older report whose DCR left out rows with empty cells by the rows it compared', () => {
    const table = (rows: number): Table => ({
      rowCount: rows,
      columns: [{ kind: 'numeric', name: 'a', values: new Float64Array(rows), integer: true }],
    });
    const report = buildReport(
      table(500),
      table(10),
      [{ id: 'privacy.dcr', score: 0.1, details: { p05: 0.01, shareCloserToTrain: 0.75, excludedRealRows: 200, excludedHoldoutRows: 0 } }],
      { holdout: table(100) },
    );
    // 300 vs 100 compared rows: chance is 75%, so 0.75 is exactly chance.
    const line = reportVerdict(report).find((l) => l.topic === 'privacy');
    assert.match(line?.text ?? '', /chance alone gives 75% with 300 training and 100 holdout rows/);
    assert.equal(line?.level, 'good');
  });

  it('independent draws from the population read as good although about 80% are closer to train', async () => {
    const next = uniforms(20240611);
    const out = await privacyLine(gaussianTable(800, next), gaussianTable(200, next), gaussianTable(1000, next));
    assert.ok(out.share > 0.7 && out.share < 0.9, `raw share ${out.share} should sit near the chance level 0.8`);
    assert.equal(out.level, 'good', out.text);
  });

  it('copies of training rows with a small jitter read as poor', async () => {
    const next = uniforms(7);
    const train = gaussianTable(800, next);
    const holdout = gaussianTable(200, next);
    const synth: Table = {
      rowCount: 800,
      columns: train.columns.map(
        (c) => ({ ...c, values: (c as { values: Float64Array }).values.map((v) => v + (next() - 0.5) * 0.01) }) as Table['columns'][number],
      ),
    };
    const out = await privacyLine(train, holdout, synth);
    assert.ok(out.share > 0.95, `raw share ${out.share}`);
    assert.equal(out.level, 'poor', out.text);
  });
});
