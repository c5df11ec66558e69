// The full loop's output folder and the names its report records: runs go under the configured output
// folder (medsynth.outputFolder, relative to the workspace and contained in it), and report.json names
// the final files, never the hidden folder the run was assembled in.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { resolveOutputRoot, runFullLoop } from '../../../src/engine/fullLoop';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import type { Report } from '../../../src/core/report/model';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');

describe('full loop output folder and recorded paths', () => {
  let workspace: string;
  let dataset: string;
  let client: InferenceClient;
  before(() => {
    workspace = mkdtempSync(join(tmpdir(), 'medsynth-outroot-'));
    mkdirSync(join(workspace, 'data'));
    dataset = join(workspace, 'data', 'patients.csv');
    copyFileSync(join(ROOT, 'samples', 'workspace', 'patients.csv'), dataset);
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
  });
  after(() => client.dispose());

  it('report.json records the final names: synthetic.csv beside it, the source relative to the workspace', async () => {
    // Without a holdout the real table is the source itself.
    const res = await runFullLoop({
      dataset,
      workspaceRoot: workspace,
      n: 50,
      seed: 1,
      client,
      executionProviders: ['cpu'],
      runId: 'names',
      metrics: ['fidelity.ksComplement'],
      holdoutFraction: 0,
    });
    const report = JSON.parse(readFileSync(join(res.runDir, 'report.json'), 'utf8')) as Report;
    assert.equal(report.synth.file, 'synthetic.csv');
    assert.equal(report.real.file, 'data/patients.csv');
    assert.equal(res.report.synth.file, 'synthetic.csv');
    // The recorded name resolves, from the report's folder, to the file that is really there.
    assert.ok(existsSync(join(res.runDir, report.synth.file)));
    const html = readFileSync(join(res.runDir, 'report.html'), 'utf8');
    assert.equal(html.includes('.partial'), false);
  });

  it("with the default holdout, report.json names the source's training and holdout parts, never a file or a hidden folder", async () => {
    const res = await runFullLoop({
      dataset,
      workspaceRoot: workspace,
      n: 50,
      seed: 1,
      client,
      executionProviders: ['cpu'],
      runId: 'names-holdout',
      metrics: ['fidelity.ksComplement'],
    });
    const report = JSON.parse(readFileSync(join(res.runDir, 'report.json'), 'utf8')) as Report;
    assert.equal(report.real.file, 'data/patients.csv (training part: 400 of 500 rows, seed 1)');
    assert.equal(report.holdout?.file, 'data/patients.csv (holdout part: 100 of 500 rows, seed 1)');
    assert.deepEqual([report.real.rows, report.holdout?.rows], [400, 100]);
    // The parts are no files: neither beside the report nor anywhere else in the output folder.
    for (const f of ['train.csv', 'holdout.csv']) assert.equal(existsSync(join(res.runDir, f)), false, f);
    const html = readFileSync(join(res.runDir, 'report.html'), 'utf8');
    assert.equal(/\.partial|\.split/.test(html), false);
    assert.ok(html.includes('400 training rows of 500'), 'the HTML report names the training part');
  });

  it('writes under medsynth.outputFolder (nested, relative to the workspace)', async () => {
    const res = await runFullLoop({
      dataset,
      workspaceRoot: workspace,
      outputFolder: 'results/medsynth',
      n: 20,
      seed: 1,
      client,
      executionProviders: ['cpu'],
      runId: 'elsewhere',
      metrics: ['fidelity.ksComplement'],
    });
    assert.equal(res.runDir, join(workspace, 'results', 'medsynth', 'elsewhere'));
    assert.deepEqual(readdirSync(join(workspace, 'results', 'medsynth')), ['elsewhere']);
    assert.ok(existsSync(res.files.reportJson));
  });

  it('refuses an output folder outside the workspace, the workspace itself, or a symlink out (PATH_ESCAPE)', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'medsynth-outside-'));
    symlinkSync(outside, join(workspace, 'link-out'));
    for (const folder of ['../elsewhere', '/tmp/abs', '.', '', 'link-out', 'link-out/runs']) {
      assert.throws(
        () => resolveOutputRoot(workspace, folder),
        (e: unknown) => e instanceof MedSynthError && e.code === 'PATH_ESCAPE',
        folder,
      );
      await assert.rejects(
        runFullLoop({ dataset, workspaceRoot: workspace, outputFolder: folder, n: 5, seed: 1, client }),
        (e: unknown) => e instanceof MedSynthError && e.code === 'PATH_ESCAPE',
      );
    }
    assert.deepEqual(readdirSync(outside), []);
    assert.equal(resolveOutputRoot(workspace, 'runs'), join(workspace, 'runs'));
  });
});
