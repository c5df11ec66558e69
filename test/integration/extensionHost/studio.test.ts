// The Studio tree in the real extension host: its nodes are what VS Code passes to inline and context
// actions, so each command is run here with the node itself (and with a multi-select), exactly as a
// click on ▶, Preview Table, Open Report or a run's context menu would. Also: the modality groups,
// what a run row says, Compare Runs, Delete Run (only run folders, never the data), Evaluate with a
// holdout, the table-mismatch message, and medsynth.columns reaching Fit and Evaluate.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MedSynthApi } from '../../../src/host/extension';
import { columnTypesFor } from '../../../src/host/settings';
import type { StudioNode } from '../../../src/host/studioView';
import { rowsProblem, seedProblem } from '../../../src/host/runPrompts';

interface Outcome {
  readonly ok: boolean;
  readonly reason?: string;
  readonly rows?: number;
  readonly runDir?: string;
  readonly reportPath?: string;
  readonly out?: string;
  readonly holdoutFile?: string;
  readonly markdown?: string;
  readonly document?: string;
  readonly deleted?: readonly string[];
  readonly how?: string;
  readonly results?: readonly Outcome[];
  readonly scores?: Record<string, number | null>;
}

let api: MedSynthApi;
let root: string;

async function children(node?: StudioNode): Promise<StudioNode[]> {
  return api.studio.getChildren(node);
}

async function group(name: string): Promise<StudioNode[]> {
  const groups = await children();
  const g = groups.find((n) => n.type === 'group' && n.group === name);
  return g ? children(g) : [];
}

async function datasetNode(file: string): Promise<StudioNode> {
  const all = [...(await group('tables')), ...(await group('images')), ...(await group('signals'))];
  const node = all.find((n) => n.type === 'dataset' && n.uri.fsPath === path.join(root, file));
  return node ?? assert.fail(`the Studio lists ${file}: ${all.map((n) => (n.type === 'dataset' ? n.uri.fsPath : n.type)).join(', ')}`);
}

async function runNode(dir: string): Promise<StudioNode> {
  api.studio.refresh();
  const runs = await group('runs');
  return runs.find((n) => n.type === 'run' && n.dir === dir) ?? assert.fail(`the Studio lists the run ${dir}`);
}

const run = (id: string, ...args: unknown[]): Thenable<Outcome | undefined> => vscode.commands.executeCommand<Outcome>(id, ...args);

function expectOk(r: Outcome | undefined, what: string): Outcome {
  assert.ok(r, `${what} returned a result`);
  if (!r.ok) assert.fail(`${what} refused: ${r.reason}`);
  return r;
}

function runFolders(): string[] {
  const out = path.join(root, 'synthetic');
  return fs.existsSync(out) ? fs.readdirSync(out).sort() : [];
}

describe('Studio tree actions', () => {
  let first: string;
  let second: string;
  before(async () => {
    const ext = vscode.extensions.getExtension<MedSynthApi>('medsynth.medsynth');
    assert.ok(ext);
    api = await ext.activate();
    root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? assert.fail('a workspace folder is open');
  });

  it('groups datasets by modality: tables, images (a NIfTI volume and a DICOM file) and signals (a WFDB record by its .hea)', async () => {
    api.studio.refresh();
    const groups: string[] = (await children()).map((n) => (n.type === 'group' ? n.group : n.type));
    for (const g of ['tables', 'images', 'signals']) assert.ok(groups.includes(g), `group ${g}: ${groups.join(', ')}`);
    assert.equal(groups.includes('text'), false, 'no tokenizer in the samples, so no Text group');
    const names = async (g: string): Promise<string[]> =>
      (await group(g)).map((n) => (n.type === 'dataset' ? path.relative(root, n.uri.fsPath) : n.type));
    assert.deepEqual(await names('tables'), ['breast_cancer.csv', 'patients.csv']);
    assert.deepEqual(await names('images'), [path.join('images', 'anatomical.nii'), path.join('images', 'CT_small.dcm')]);
    assert.deepEqual(await names('signals'), [path.join('signals', 'ecg12.hea')]);
    const listing = (await run('medsynth.openStudio')) as unknown as { byModality: Record<string, string[]> };
    assert.deepEqual(listing.byModality.signal, [path.join(root, 'signals', 'ecg12.hea')]);
  });

  it('a table row previews on click, and Preview Table / ▶ Run Full Loop work on the row itself', async () => {
    const node = await datasetNode('patients.csv');
    const item = api.studio.getTreeItem(node);
    assert.equal(item.contextValue, 'dataset.table');
    assert.equal(item.command?.command, 'medsynth.previewTable');
    // The inline action gets the node, not a Uri: before the fix this fell back to a picker and hung.
    const preview = expectOk(await run('medsynth.previewTable', node, [node]), 'Preview Table on the node');
    assert.equal(preview.rows, 500);
    const loop = expectOk(
      await run('medsynth.runFullLoop', node, [node], { rows: 120, seed: 5, openReport: false }),
      'Run Full Loop on the node',
    );
    assert.ok(loop.runDir && fs.existsSync(path.join(loop.runDir, 'report.json')));
    first = loop.runDir;
  });

  it('an image row inspects on click and from its inline action', async () => {
    const node = await datasetNode(path.join('images', 'CT_small.dcm'));
    const item = api.studio.getTreeItem(node);
    assert.deepEqual([item.contextValue, item.command?.command], ['dataset.image', 'medsynth.inspectDataset']);
    expectOk(await run('medsynth.inspectDataset', node), 'Inspect Dataset on the image node');
  });

  it('a run row shows its dataset, modality, date and headline verdict, and opens its report', async () => {
    const node = await runNode(first);
    const item = api.studio.getTreeItem(node);
    assert.equal(item.label, 'patients.csv');
    assert.match(
      String(item.description),
      /^fidelity (good|fair|poor|unknown), privacy (good|fair|poor|unknown) · \d{4}-\d{2}-\d{2} \d{2}:\d{2} · table$/,
    );
    assert.equal(item.contextValue, 'run report generator');
    const opened = expectOk(await run('medsynth.openReport', node, [node]), 'Open Report on the run node');
    assert.equal(opened.reportPath, path.join(first, 'report.json'));
    expectOk(await run('medsynth.revealRun', node), 'Reveal in Explorer on the run node');
  });

  it('Generate on a run row uses its generator; Evaluate takes a holdout', async () => {
    const node = await runNode(first);
    const gen = expectOk(await run('medsynth.generate', node, { rows: 60, seed: 9 }), 'Generate on the run node');
    assert.equal(gen.rows, 60);
    // A holdout table in the workspace: the header and the last 100 rows of patients.csv.
    const patients = path.join(root, 'patients.csv');
    const lines = fs.readFileSync(patients, 'utf8').trim().split('\n');
    const holdout = path.join(root, 'holdout-part.csv');
    fs.writeFileSync(holdout, `${[lines[0], ...lines.slice(-100)].join('\n')}\n`);
    try {
      const ev = expectOk(
        await run('medsynth.evaluate', vscode.Uri.file(gen.out ?? ''), { real: patients, holdout, openReport: false }),
        'Evaluate with a holdout',
      );
      assert.equal(ev.holdoutFile, holdout);
      const report = JSON.parse(fs.readFileSync(ev.reportPath ?? '', 'utf8')) as { holdout?: { rows: number } };
      assert.equal(report.holdout?.rows, 100);
    } finally {
      fs.rmSync(holdout, { force: true });
    }
    second = path.dirname(gen.out ?? '');
  });

  it('Compare Runs on two selected runs shows their metrics side by side in a markdown document', async () => {
    const a = await runNode(first);
    const b = await runNode(second);
    const r = expectOk(await run('medsynth.compareRuns', a, [a, b]), 'Compare Runs');
    assert.match(r.markdown ?? '', /\| Metric \| A \| B \| B − A \|/);
    const report = JSON.parse(fs.readFileSync(path.join(first, 'report.json'), 'utf8')) as { metrics: { descriptor: { title: string } }[] };
    for (const m of report.metrics) assert.ok(r.markdown?.includes(`| ${m.descriptor.title} |`), `compares ${m.descriptor.title}`);
    assert.ok(
      vscode.workspace.textDocuments.some((d) => d.uri.toString() === r.document),
      'the comparison document is open',
    );
  });

  it('Delete Run removes the selected run folders and nothing else; it refuses anything that is not a run', async () => {
    const sourceBefore = fs.readFileSync(path.join(root, 'patients.csv'));
    const notRun = await run('medsynth.deleteRun', vscode.Uri.file(path.join(root, 'images')), { confirmed: true });
    assert.equal(notRun?.ok, false);
    assert.match(notRun?.reason ?? '', /not a MedSynth run folder/);
    assert.ok(fs.existsSync(path.join(root, 'images', 'CT_small.dcm')), 'the data is still there');
    const a = await runNode(first);
    const b = await runNode(second);
    const before = runFolders();
    const r = expectOk(await run('medsynth.deleteRun', a, [a, b], { confirmed: true }), 'Delete Run');
    console.log(`deleted ${r.deleted?.length} runs (${r.how})`);
    assert.deepEqual([...(r.deleted ?? [])].sort(), [first, second].sort());
    assert.deepEqual(
      runFolders(),
      before.filter((n) => n !== path.basename(first) && n !== path.basename(second)),
    );
    assert.deepEqual(fs.readFileSync(path.join(root, 'patients.csv')), sourceBefore);
    api.studio.refresh();
    assert.equal(
      (await group('runs')).some((n) => n.type === 'run' && (n.dir === first || n.dir === second)),
      false,
      'the Studio no longer lists them',
    );
  });

  it('a table mismatch names the first five missing columns and counts the rest, leaving no run folder', async () => {
    const before = runFolders();
    const r = await run('medsynth.evaluate', vscode.Uri.file(path.join(root, 'patients.csv')), {
      real: path.join(root, 'breast_cancer.csv'),
      openReport: false,
    });
    assert.equal(r?.ok, false);
    // breast_cancer.csv has 31 columns, patients.csv 8 others.
    assert.match(r?.reason ?? '', /lacks 31 of the real table's 31 columns: "[^"]+", "[^"]+", "[^"]+", "[^"]+", "[^"]+" and 26 more/);
    assert.match(
      r?.reason ?? '',
      /it has 8 columns the real table lacks: "patient_id", "admission_date", "age", "sex", "diagnosis" and 3 more/,
    );
    assert.deepEqual(runFolders(), before);
  });
});

describe('medsynth.columns', () => {
  const folder = (): vscode.WorkspaceFolder => vscode.workspace.workspaceFolders?.[0] ?? assert.fail('a workspace folder');
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('medsynth', folder().uri);
  afterEach(async () => config().update('columns', undefined, vscode.ConfigurationTarget.WorkspaceFolder));

  it('gives a table its own kinds over the "*" ones, keeping "*" only for columns the table has', async () => {
    await config().update(
      'columns',
      { '*': { sex: 'categorical', nowhere: 'text' }, 'patients.csv': { age: 'categorical', sex: 'text' }, 'other.csv': { bmi: 'text' } },
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    const patients = vscode.Uri.file(path.join(root, 'patients.csv'));
    assert.deepEqual(columnTypesFor(folder(), patients), { sex: 'text', nowhere: 'text', age: 'categorical' });
    assert.deepEqual(columnTypesFor(folder(), patients, ['age', 'sex', 'bmi']), { sex: 'text', age: 'categorical' });
    assert.deepEqual(columnTypesFor(folder(), vscode.Uri.file(path.join(root, 'breast_cancer.csv')), ['target']), undefined);
  });

  it('reaches Run Full Loop and Evaluate: a forced kind shows in the report', async () => {
    const patients = vscode.Uri.file(path.join(root, 'patients.csv'));
    await config().update(
      'columns',
      { '*': { nowhere: 'text' }, 'patients.csv': { systolic_bp: 'categorical' } },
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    const loop = expectOk(
      await run('medsynth.runFullLoop', patients, { rows: 80, seed: 3, openReport: false }),
      'Run Full Loop with medsynth.columns',
    );
    const report = JSON.parse(fs.readFileSync(loop.reportPath ?? '', 'utf8')) as { columns: { name: string; kind: string }[] };
    assert.equal(
      report.columns.find((c) => c.name === 'systolic_bp')?.kind,
      'categorical',
      'systolic_bp is numeric unless the setting says otherwise',
    );
    const ev = expectOk(
      await run('medsynth.evaluate', vscode.Uri.file(path.join(loop.runDir ?? '', 'synthetic.csv')), {
        real: patients.fsPath,
        openReport: false,
      }),
      'Evaluate with medsynth.columns',
    );
    const again = JSON.parse(fs.readFileSync(ev.reportPath ?? '', 'utf8')) as { columns: { name: string; kind: string }[] };
    assert.equal(again.columns.find((c) => c.name === 'systolic_bp')?.kind, 'categorical');
    fs.rmSync(loop.runDir ?? '', { recursive: true, force: true });
  });
});

describe('privacy and utility settings', () => {
  const folder = (): vscode.WorkspaceFolder => vscode.workspace.workspaceFolders?.[0] ?? assert.fail('a workspace folder');
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('medsynth', folder().uri);
  const keys = ['quasiIdentifiers', 'secretColumn', 'targetColumn', 'bootstrapResamples'];
  afterEach(async () => {
    for (const key of keys) await config().update(key, undefined, vscode.ConfigurationTarget.WorkspaceFolder);
  });

  it('refuse an unreadable quasi-identifier list naming the setting, and reach the report when readable', async () => {
    const patients = vscode.Uri.file(path.join(root, 'patients.csv'));
    await config().update('quasiIdentifiers', 'age:ten,sex', vscode.ConfigurationTarget.WorkspaceFolder);
    const before = runFolders();
    const refused = await run('medsynth.runFullLoop', patients, { rows: 60, seed: 1, openReport: false });
    assert.equal(refused?.ok, false);
    assert.match(refused?.reason ?? '', /medsynth\.quasiIdentifiers: cannot read "age:ten"/);
    assert.deepEqual(runFolders(), before, 'nothing written');
    await config().update('quasiIdentifiers', 'age:10,sex', vscode.ConfigurationTarget.WorkspaceFolder);
    await config().update('secretColumn', 'diagnosis', vscode.ConfigurationTarget.WorkspaceFolder);
    await config().update('bootstrapResamples', 0, vscode.ConfigurationTarget.WorkspaceFolder);
    const loop = expectOk(
      await run('medsynth.runFullLoop', patients, { rows: 60, seed: 1, openReport: false }),
      'Run Full Loop with the settings',
    );
    const report = JSON.parse(fs.readFileSync(loop.reportPath ?? '', 'utf8')) as { metricOptions?: Record<string, unknown> };
    assert.deepEqual(report.metricOptions?.quasiIdentifiers, [{ column: 'age', generalise: 10 }, { column: 'sex' }]);
    assert.equal(report.metricOptions?.secret, 'diagnosis');
    assert.equal(report.metricOptions?.bootstrap, 0);
    assert.equal(report.metricOptions?.seed, 1);
    fs.rmSync(loop.runDir ?? '', { recursive: true, force: true });
  });
});

describe('row and seed prompts', () => {
  it('accept whole numbers within the limits and say what is wrong otherwise', () => {
    assert.equal(rowsProblem('1000', 1_000_000), undefined);
    assert.equal(rowsProblem(' 25 ', 100), undefined);
    assert.match(rowsProblem('0', 100) ?? '', /At least 1/);
    assert.match(rowsProblem('101', 100) ?? '', /At most 100 rows \(medsynth\.maxRows\)/);
    assert.match(rowsProblem('-5', 100) ?? '', /whole number/);
    assert.match(rowsProblem('1e3', 100) ?? '', /whole number/);
    assert.equal(seedProblem('0'), undefined);
    assert.match(seedProblem('abc') ?? '', /whole number, 0 or more/);
    assert.match(seedProblem('99999999999999999999') ?? '', /whole number/);
  });
});
