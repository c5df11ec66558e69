// The product's main job through the commands a user runs: fit -> generate -> evaluate on the sample
// patients.csv, in the real extension host with the real inference child process, writing only into
// synthetic/<run-id>/. Also each step on its own, and a broken table refused with a reason.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitForTab } from './tabs';

interface Scores {
  readonly [id: string]: number | null;
}
interface Refusal {
  readonly ok: false;
  readonly reason: string;
}
type Outcome<T> = ({ readonly ok: true } & T) | Refusal;

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder.uri.fsPath;
}

function expectOk<T>(r: Outcome<T> | undefined, what: string): { readonly ok: true } & T {
  assert.ok(r, `${what} returned a result`);
  if (!r.ok) assert.fail(`${what} refused: ${r.reason}`);
  return r;
}

function runFolders(root: string): string[] {
  const out = path.join(root, 'synthetic');
  return fs.existsSync(out) ? fs.readdirSync(out).filter((n) => !n.startsWith('.')) : [];
}

const EXPECTED_METRICS = [
  'fidelity.ksComplement',
  'fidelity.tvComplement',
  'fidelity.correlationSimilarity',
  'privacy.exactCopies',
  'privacy.dcr',
];

describe('fit -> generate -> evaluate through the commands', () => {
  let patients: vscode.Uri;
  let sourceBytes: Buffer;
  before(async () => {
    await vscode.extensions.getExtension('medsynth.medsynth')?.activate();
    patients = vscode.Uri.file(path.join(workspaceRoot(), 'patients.csv'));
    sourceBytes = fs.readFileSync(patients.fsPath);
  });

  it('runs the full loop on patients.csv into synthetic/<run-id>/ with scores', async () => {
    const t0 = Date.now();
    const r = expectOk(
      await vscode.commands.executeCommand<Outcome<{ runDir: string; reportPath: string; scores: Scores; executionProvider: string }>>(
        'medsynth.runFullLoop',
        patients,
        { rows: 500, seed: 7 },
      ),
      'runFullLoop',
    );
    console.log(`full loop in ${Date.now() - t0} ms on ${r.executionProvider}: ${JSON.stringify(r.scores)}`);
    assert.equal(path.dirname(r.runDir), path.join(workspaceRoot(), 'synthetic'));
    // medsynth.holdoutFraction defaults to 0.2: the split is made in memory, so the run folder holds
    // generated data and records only, never a copy of real rows.
    for (const f of ['model.onnx', 'medsynth.json', 'synthetic.csv', 'report.json', 'report.html', 'run.json']) {
      assert.ok(fs.existsSync(path.join(r.runDir, f)), `${f} written`);
    }
    for (const f of ['train.csv', 'holdout.csv']) assert.equal(fs.existsSync(path.join(r.runDir, f)), false, `${f} is not written`);
    assert.deepEqual(fs.readdirSync(r.runDir).sort(), [
      'medsynth.json',
      'model.onnx',
      'report.html',
      'report.json',
      'run.json',
      'synthetic.csv',
    ]);
    const report = JSON.parse(fs.readFileSync(r.reportPath, 'utf8')) as {
      metrics: { id: string; score: number | null; details: { shareCloserToTrain?: number } }[];
      synth: { rows: number };
      real: { file?: string; rows: number };
      holdout?: { file?: string; rows: number };
    };
    assert.equal(report.synth.rows, 500);
    // patients.csv has 500 data rows: round(0.2 × 500) = 100 are held out, the generator sees 400.
    assert.deepEqual(
      [report.real.file, report.real.rows, report.holdout?.file, report.holdout?.rows],
      ['patients.csv (training part: 400 of 500 rows, seed 7)', 400, 'patients.csv (holdout part: 100 of 500 rows, seed 7)', 100],
    );
    const share = report.metrics.find((m) => m.id === 'privacy.dcr')?.details.shareCloserToTrain;
    assert.ok(typeof share === 'number' && share >= 0 && share <= 1, `privacy.dcr reports shareCloserToTrain: ${String(share)}`);
    const run = JSON.parse(fs.readFileSync(path.join(r.runDir, 'run.json'), 'utf8')) as {
      holdout: {
        fraction: number;
        seed: number;
        sourceRows: number;
        trainRows: number;
        holdoutRows: number;
        reproduce: string;
        [key: string]: unknown;
      };
      outputs: string[];
    };
    assert.deepEqual(
      [run.holdout.fraction, run.holdout.seed, run.holdout.sourceRows, run.holdout.trainRows, run.holdout.holdoutRows],
      [0.2, 7, 500, 400, 100],
    );
    assert.equal(
      run.holdout.reproduce,
      'medsynth split patients.csv --seed 7 --fraction 0.2 --train <train-file> --holdout <holdout-file>',
    );
    assert.equal('containsRealRows' in run.holdout, false, 'the run holds no real rows to warn about');
    assert.deepEqual(run.outputs, ['model.onnx', 'medsynth.json', 'synthetic.csv', 'report.json', 'report.html']);
    for (const id of EXPECTED_METRICS) {
      const score = r.scores[id];
      assert.equal(typeof score, 'number', `${id} has a score`);
      assert.ok(Number.isFinite(score), `${id} finite`);
    }
    // A copula on 500 rows reproduces the marginals well; these are loose sanity bounds, not a benchmark.
    assert.ok((r.scores['fidelity.ksComplement'] ?? 0) > 0.7, 'KS complement above 0.7');
    assert.ok((r.scores['fidelity.tvComplement'] ?? 0) > 0.7, 'TV complement above 0.7');
    assert.deepEqual(fs.readFileSync(patients.fsPath), sourceBytes, 'the source table is untouched');
    const tabs = await waitForTab((t) => t.startsWith('Report:'));
    assert.ok(
      tabs.some((t) => t.startsWith('Report:')),
      `report panel open: ${JSON.stringify(tabs)}`,
    );
  });

  it('fits, generates and evaluates as separate commands, reproducibly', async () => {
    const fit = expectOk(
      await vscode.commands.executeCommand<Outcome<{ generatorDir: string }>>('medsynth.fitGenerator', patients),
      'fitGenerator',
    );
    assert.ok(fs.existsSync(path.join(fit.generatorDir, 'model.onnx')));
    const generate = async (): Promise<{ out: string; rows: number; executionProvider: string }> =>
      expectOk(
        await vscode.commands.executeCommand<Outcome<{ out: string; rows: number; executionProvider: string }>>(
          'medsynth.generate',
          vscode.Uri.file(fit.generatorDir),
          { rows: 200, seed: 3 },
        ),
        'generate',
      );
    const a = await generate();
    const b = await generate();
    assert.equal(a.rows, 200);
    assert.notEqual(a.out, b.out, 'each run gets its own folder');
    assert.equal(fs.readFileSync(a.out, 'utf8'), fs.readFileSync(b.out, 'utf8'), 'same model + seed + n gives the same table');
    const evaluated = expectOk(
      await vscode.commands.executeCommand<Outcome<{ reportPath: string; scores: Scores }>>('medsynth.evaluate', vscode.Uri.file(a.out), {
        real: patients.fsPath,
        openReport: false,
      }),
      'evaluate',
    );
    assert.equal(path.dirname(evaluated.reportPath), path.dirname(a.out), 'the report lands beside the synthetic table');
    assert.equal(typeof evaluated.scores['privacy.dcr'], 'number');
  });

  it('refuses a garbled table with a reason and leaves no run folder behind', async () => {
    const root = workspaceRoot();
    const garbled = path.join(root, 'garbled.csv');
    fs.writeFileSync(garbled, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x0a, 0x80, 0x81]));
    const before = runFolders(root);
    try {
      const r = await vscode.commands.executeCommand<Outcome<object>>('medsynth.runFullLoop', vscode.Uri.file(garbled), {
        rows: 10,
        openReport: false,
      });
      assert.ok(r && !r.ok, 'refused');
      assert.ok(r.reason.length > 0, 'with a reason');
      console.log(`garbled.csv refused: ${r.reason}`);
      assert.deepEqual(runFolders(root), before, 'no run folder left');
    } finally {
      fs.rmSync(garbled, { force: true });
    }
  });

  it('refuses to generate from a folder that is not a generator and leaves no run folder behind', async () => {
    const root = workspaceRoot();
    const before = runFolders(root);
    const r = await vscode.commands.executeCommand<Outcome<object>>('medsynth.generate', vscode.Uri.file(root), { rows: 10 });
    assert.ok(r && !r.ok, 'refused');
    console.log(`generate on the workspace folder refused: ${r.reason}`);
    assert.deepEqual(runFolders(root), before, 'no run folder left');
  });

  it('refuses a file that is not a table', async () => {
    const r = await vscode.commands.executeCommand<Outcome<object>>(
      'medsynth.fitGenerator',
      vscode.Uri.file(path.join(workspaceRoot(), 'README.md')),
    );
    assert.ok(r && !r.ok);
    assert.match(r.reason, /not a table/);
  });
});
