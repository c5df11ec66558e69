// No real row leaves the source file: a full loop with a holdout splits the source in memory, so no
// file it writes (in the run folder, in a hidden work or split folder, or beside the source) holds a
// data line of the source, and no patient identifier of the source appears in any written file. The
// check reads the files back as raw text, line by line, independently of the table parser, and it
// runs at every progress event too, so a part written and removed again before the end is caught.
// The holdout evaluation itself is still there: the report compares 400 training rows with 100
// held-out rows of samples/workspace/patients.csv and privacy.dcr reports shareCloserToTrain.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runFullLoop } from '../../../src/engine/fullLoop';
import { InferenceClient } from '../../../src/engine/inferenceClient';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');
const SAMPLE = join(ROOT, 'samples', 'workspace', 'patients.csv');

/** Every file below `dir`, hidden ones included, as absolute paths. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** A CSV line with numbers normalised by value ("35.0" = "35"), so a re-serialised row still matches. */
function normalised(line: string): string {
  return line
    .split(',')
    .map((c) => (c.trim() !== '' && Number.isFinite(Number(c)) ? String(Number(c)) : c))
    .join(',');
}

interface Leak {
  readonly file: string;
  readonly what: string;
}

describe('a full loop with a holdout writes no real row', () => {
  let workspace: string;
  let dataset: string;
  let sourceLines: Set<string>;
  let sourceIds: string[];
  let client: InferenceClient;
  before(() => {
    workspace = mkdtempSync(join(tmpdir(), 'medsynth-norealrows-'));
    dataset = join(workspace, 'patients.csv');
    copyFileSync(SAMPLE, dataset);
    const lines = readFileSync(SAMPLE, 'utf8').split(/\r?\n/);
    const header = lines[0].split(',');
    const idColumn = header.indexOf('patient_id');
    assert.ok(idColumn >= 0, 'the sample has a patient_id column');
    const data = lines.slice(1).filter((l) => l.trim() !== '');
    assert.equal(data.length, 500);
    sourceLines = new Set([...data, ...data.map(normalised)]);
    sourceIds = data.map((l) => l.split(',')[idColumn]);
    assert.equal(new Set(sourceIds).size, 500);
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
  });
  after(() => client.dispose());

  /** Every source data line or patient id found in a file below the workspace other than the source. */
  const leaks = (): Leak[] => {
    const found: Leak[] = [];
    for (const file of walk(workspace)) {
      if (file === dataset) continue;
      const text = readFileSync(file).toString('latin1');
      const line = text.split(/\r?\n/).find((l) => sourceLines.has(l) || sourceLines.has(normalised(l)));
      if (line !== undefined) found.push({ file: relative(workspace, file), what: `source row ${line}` });
      const id = sourceIds.find((v) => text.includes(v));
      if (id !== undefined) found.push({ file: relative(workspace, file), what: `patient_id ${id}` });
    }
    return found;
  };

  it('leaves no source line and no source identifier in any file, at any phase, and keeps the holdout metrics', async () => {
    const during: Leak[] = [];
    const phases = new Set<string>();
    const res = await runFullLoop({
      dataset,
      workspaceRoot: workspace,
      seed: 42,
      client,
      executionProviders: ['cpu'],
      runId: 'no-real-rows',
      onProgress: (p) => {
        phases.add(p.phase);
        during.push(...leaks());
      },
    });
    assert.ok(
      ['read', 'split', 'fit', 'generate', 'evaluate', 'write'].every((p) => phases.has(p)),
      [...phases].join(','),
    );
    assert.deepEqual(during, [], 'a file with real rows existed while the loop ran');
    assert.deepEqual(leaks(), [], 'a file with real rows is left after the loop');

    // Only the source and the output root lie in the workspace; the output root holds the run alone.
    assert.deepEqual(readdirSync(workspace).sort(), ['patients.csv', 'synthetic']);
    assert.deepEqual(readdirSync(join(workspace, 'synthetic')), ['no-real-rows']);
    const written = walk(res.runDir)
      .map((f) => relative(res.runDir, f))
      .sort();
    assert.deepEqual(written, ['medsynth.json', 'model.onnx', 'report.html', 'report.json', 'run.json', 'synthetic.csv']);
    // The scan read real content: the synthetic table has a header and the 500 generated rows.
    assert.ok(statSync(res.files.synthetic).size > 1000);
    assert.equal(readFileSync(res.files.synthetic, 'utf8').trim().split('\n').length, 501);

    // The holdout evaluation is kept: 0.2 × 500 rows held out, privacy compared against them.
    assert.equal(res.report.real.rows, 400);
    assert.equal(res.report.holdout?.rows, 100);
    const share = res.report.metrics.find((m) => m.id === 'privacy.dcr')?.details.shareCloserToTrain;
    assert.ok(typeof share === 'number' && share >= 0 && share <= 1, String(share));
    const report = JSON.parse(readFileSync(res.files.reportJson, 'utf8')) as {
      real: { file: string; rows: number };
      holdout: { file: string; rows: number };
    };
    assert.deepEqual(report.real, { ...report.real, file: 'patients.csv (training part: 400 of 500 rows, seed 42)', rows: 400 });
    assert.deepEqual(report.holdout, { ...report.holdout, file: 'patients.csv (holdout part: 100 of 500 rows, seed 42)', rows: 100 });
  });
});
