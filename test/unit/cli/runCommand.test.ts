// `medsynth run`: the VS Code full loop from the command line. Checks the run folder's contents, that the
// holdout is made in memory (no file with real rows), the exit codes for bad options, and that nothing
// is written when an option is refused.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, removeCliBuild, runCliProcess, scratchDir } from './cliHarness';

const PATIENTS = join(ROOT, 'samples', 'workspace', 'patients.csv');

describe('medsynth run', () => {
  let ws: string;
  before(() => {
    ws = scratchDir();
    copyFileSync(PATIENTS, join(ws, 'patients.csv'));
  });
  after(() => removeCliBuild());

  it('holds out 20% in memory, fits, generates and evaluates into <workspace>/synthetic/<run-id>/', () => {
    const res = runCliProcess(['run', join(ws, 'patients.csv'), '--seed', '42', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as {
      runDir: string;
      holdout: { sourceRows: number; trainRows: number; holdoutRows: number };
      metrics: { id: string; score: number | null }[];
    };
    // 500 data rows in the sample (501 lines with the header); round(0.2 * 500) = 100 held out.
    assert.deepEqual([out.holdout.sourceRows, out.holdout.trainRows, out.holdout.holdoutRows], [500, 400, 100]);
    assert.deepEqual(readdirSync(out.runDir).sort(), [
      'medsynth.json',
      'model.onnx',
      'report.html',
      'report.json',
      'run.json',
      'synthetic.csv',
    ]);
    assert.equal(join(ws, 'synthetic'), join(out.runDir, '..'));
    const report = JSON.parse(readFileSync(join(out.runDir, 'report.json'), 'utf8')) as {
      metrics: { id: string; details: { shareCloserToTrain?: number } }[];
    };
    const dcr = report.metrics.find((m) => m.id === 'privacy.dcr');
    assert.equal(typeof dcr?.details.shareCloserToTrain, 'number');
    for (const m of out.metrics) assert.ok(m.score === null || Number.isFinite(m.score), m.id);
    assert.deepEqual(readdirSync(ws).sort(), ['patients.csv', 'synthetic']);
  });

  it('refuses bad options with exit 2 and a one-line reason, writing nothing', () => {
    const fresh = scratchDir();
    copyFileSync(PATIENTS, join(fresh, 'patients.csv'));
    for (const [args, pattern] of [
      [['--holdout-fraction', '0.95'], /--holdout-fraction/],
      [['--output-folder', '../elsewhere'], /'\.\.'/],
      [['--ep', 'warp'], /unknown execution provider/],
      [['--n', 'ten'], /--n must be a whole number of at least 1, got 'ten'/],
      [['--n', '-5'], /--n must be a whole number of at least 1, got '-5'/],
      [['--seed', '1.5'], /--seed must be a whole number of at least 0, got '1\.5'/],
    ] as const) {
      const res = runCliProcess(['run', join(fresh, 'patients.csv'), ...args]);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr.trim().split('\n').pop() ?? '', pattern);
    }
    assert.equal(existsSync(join(fresh, 'synthetic')), false);
    assert.equal(existsSync(join(fresh, '..', 'elsewhere')), false);
  });
});
