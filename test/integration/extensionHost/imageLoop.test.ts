// Images through the commands a user runs (issue 8 part 7), in the real extension host with the real
// inference child process: Run Full Loop on a NIfTI volume's file Uri (held-out split, PPCA, a folder of
// PNGs, the image report), Fit on a folder of images, Generate from the fitted folder (medsynth.imageFormat),
// Evaluate a run's synthetic/ folder against the volume, a generator folder refused for Fit, the Studio's
// image row, and the menus and settings package.json contributes for images. The volume is a copy of
// test/fixtures/images/anatomical.nii (25 axial slices) placed in the workspace for this suite only and
// removed with its runs afterwards, so the other suites see the sample workspace as it is.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MedSynthApi } from '../../../src/host/extension';
import type { StudioNode } from '../../../src/host/studioView';
import { waitForTab } from './tabs';

interface Outcome {
  readonly ok: boolean;
  readonly reason?: string;
  readonly modality?: string;
  readonly runDir?: string;
  readonly generatorDir?: string;
  readonly reportPath?: string;
  readonly out?: string;
  readonly rows?: number;
  readonly format?: string;
  readonly scores?: Record<string, number | null>;
  readonly holdout?: { readonly trainRows?: number; readonly holdoutRows?: number; readonly sourceRows?: number };
}

interface Contributes {
  readonly menus: Readonly<Record<string, readonly { readonly command: string; readonly when?: string }[]>>;
  readonly configuration: { readonly properties: Readonly<Record<string, { readonly default?: unknown; readonly enum?: unknown }>> };
}

/** The bundle runs from out/integration in the repository; the fixture is the repository's own. */
const FIXTURE = path.join(__dirname, '..', '..', 'test', 'fixtures', 'images', 'anatomical.nii');
const FRAMES = 25;

const run = (id: string, ...args: unknown[]): Thenable<Outcome | undefined> => vscode.commands.executeCommand<Outcome>(id, ...args);

function expectOk(r: Outcome | undefined, what: string): Outcome {
  assert.ok(r, `${what} returned a result`);
  if (!r.ok) assert.fail(`${what} refused: ${r.reason}`);
  return r;
}

function pngsIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.png'))
    .sort();
}

/** The file starts with the PNG signature. */
function isPng(file: string): boolean {
  const head = fs.readFileSync(file).subarray(0, 8);
  return head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

describe('images through the commands', () => {
  let api: MedSynthApi;
  let root: string;
  let volumes: string;
  let volume: vscode.Uri;
  let sourceBytes: Buffer;
  const made: string[] = [];
  const track = (dir: string | undefined): string => {
    assert.ok(dir, 'a run folder');
    made.push(dir);
    return dir;
  };

  before(async () => {
    const ext = vscode.extensions.getExtension<MedSynthApi>('medsynth.medsynth');
    assert.ok(ext);
    api = await ext.activate();
    root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? assert.fail('a workspace folder is open');
    assert.ok(fs.existsSync(FIXTURE), `the fixture volume is at ${FIXTURE}`);
    volumes = path.join(root, 'volumes');
    fs.mkdirSync(volumes, { recursive: true });
    fs.copyFileSync(FIXTURE, path.join(volumes, 'anatomical.nii'));
    volume = vscode.Uri.file(path.join(volumes, 'anatomical.nii'));
    sourceBytes = fs.readFileSync(volume.fsPath);
  });

  after(async () => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(volumes, { recursive: true, force: true });
    await vscode.workspace.getConfiguration('medsynth').update('imageFormat', undefined, vscode.ConfigurationTarget.Workspace);
    api.studio.refresh();
  });

  it('runs the full loop on a NIfTI volume: a held-out split, synthetic/ with PNGs, an image report in the webview', async () => {
    const t0 = Date.now();
    const r = expectOk(await run('medsynth.runFullLoop', volume, { seed: 1 }), 'Run Full Loop on anatomical.nii');
    const runDir = track(r.runDir);
    console.log(`image full loop in ${Date.now() - t0} ms: ${JSON.stringify(r.scores)}`);
    assert.equal(r.modality, 'image');
    assert.equal(path.dirname(runDir), path.join(root, 'synthetic'));
    assert.deepEqual(fs.readdirSync(runDir).sort(), ['medsynth.json', 'model.onnx', 'report.html', 'report.json', 'run.json', 'synthetic']);
    // Without a row count the loop makes as many images as the volume has slices.
    const pngs = pngsIn(path.join(runDir, 'synthetic'));
    assert.equal(pngs.length, FRAMES, `${FRAMES} PNGs: ${pngs.join(', ')}`);
    assert.ok(isPng(path.join(runDir, 'synthetic', pngs[0])), 'a real PNG file');
    const report = JSON.parse(fs.readFileSync(r.reportPath ?? '', 'utf8')) as {
      modality: string;
      metrics: { id: string; score: number | null }[];
      images?: unknown;
    };
    assert.equal(report.modality, 'image');
    for (const id of ['fidelity.fid', 'privacy.dcr', 'privacy.nearDuplicates'])
      assert.ok(
        report.metrics.some((m) => m.id === id),
        `${id} in the report`,
      );
    // medsynth.holdoutFraction 0.2 of 25 slices: 5 held out, 20 fitted, as for tables.
    assert.deepEqual([r.holdout?.sourceRows, r.holdout?.trainRows, r.holdout?.holdoutRows], [FRAMES, 20, 5]);
    assert.deepEqual(fs.readFileSync(volume.fsPath), sourceBytes, 'the source volume is untouched');
    const tabs = await waitForTab((t) => t === `Report: ${path.basename(runDir)}`);
    assert.ok(tabs.includes(`Report: ${path.basename(runDir)}`), `report panel open: ${JSON.stringify(tabs)}`);
  });

  it('fits on a folder of images, generates from the fitted folder and evaluates its synthetic/ folder', async () => {
    const fit = expectOk(await run('medsynth.fitGenerator', vscode.Uri.file(volumes)), 'Fit Generator on the volumes/ folder');
    assert.equal(fit.modality, 'image');
    const generatorDir = track(fit.generatorDir);
    const manifest = JSON.parse(fs.readFileSync(path.join(generatorDir, 'medsynth.json'), 'utf8')) as { modality: string };
    assert.equal(manifest.modality, 'image');

    const gen = expectOk(
      await run('medsynth.generate', vscode.Uri.file(generatorDir), { rows: 6, seed: 2 }),
      'Generate from the image generator',
    );
    track(gen.runDir);
    assert.equal(gen.format, 'png');
    assert.equal(path.basename(gen.out ?? ''), 'synthetic');
    assert.equal(pngsIn(gen.out ?? '').length, 6);

    // A PNG inside a run's synthetic/ folder stands for the folder: the synthetic side of Evaluate.
    const clicked = vscode.Uri.file(path.join(gen.out ?? '', pngsIn(gen.out ?? '')[0]));
    const ev = expectOk(
      await run('medsynth.evaluate', clicked, { real: volume.fsPath, openReport: false }),
      'Evaluate the synthetic/ folder',
    );
    assert.equal(ev.modality, 'image');
    assert.equal(path.dirname(ev.reportPath ?? ''), gen.runDir, 'the report lands in the run beside synthetic/');
    assert.equal(typeof ev.scores?.['fidelity.fid'], 'number');
  });

  it('writes the format medsynth.imageFormat names; the full loop refuses one it could not read back', async () => {
    const config = vscode.workspace.getConfiguration('medsynth');
    await config.update('imageFormat', 'npy', vscode.ConfigurationTarget.Workspace);
    try {
      await generatesNpy();
      const runs = fs.readdirSync(path.join(root, 'synthetic')).sort();
      const loop = await run('medsynth.runFullLoop', volume, { seed: 1, openReport: false });
      assert.equal(loop?.ok, false);
      assert.match(
        loop?.reason ?? '',
        /medsynth\.imageFormat is "npy": the full loop evaluates the images it writes, and MedSynth reads no \.npy files\. Use png, dcm, nii, nii\.gz/,
      );
      assert.deepEqual(fs.readdirSync(path.join(root, 'synthetic')).sort(), runs, 'no run folder left');
    } finally {
      await config.update('imageFormat', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  async function generatesNpy(): Promise<void> {
    const fit = expectOk(await run('medsynth.fitGenerator', volume), 'Fit Generator on anatomical.nii');
    const generatorDir = track(fit.generatorDir);
    const gen = expectOk(await run('medsynth.generate', vscode.Uri.file(generatorDir), { rows: 3, seed: 4 }), 'Generate .npy images');
    track(gen.runDir);
    assert.equal(gen.format, 'npy');
    const files = fs.readdirSync(gen.out ?? '').sort();
    assert.equal(files.length, 3, files.join(', '));
    assert.ok(
      files.every((f) => f.endsWith('.npy')),
      files.join(', '),
    );
    // An .npy file starts with \x93NUMPY.
    assert.deepEqual([...fs.readFileSync(path.join(gen.out ?? '', files[0])).subarray(0, 6)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
  }

  it('refuses to fit a generator folder, pointing to Generate, and leaves no run folder', async () => {
    const runs = (): string[] => fs.readdirSync(path.join(root, 'synthetic')).sort();
    const before = runs();
    const r = await run('medsynth.fitGenerator', vscode.Uri.file(made[0]));
    assert.equal(r?.ok, false);
    assert.match(r?.reason ?? '', /is a generator folder \(it holds medsynth\.json\): use Generate on it/);
    const signal = await run('medsynth.runFullLoop', vscode.Uri.file(path.join(root, 'signals', 'ecg12.hea')), { openReport: false });
    assert.equal(signal?.ok, false);
    assert.match(signal?.reason ?? '', /ecg12\.hea holds signals, for which MedSynth has no built-in fitter yet/);
    assert.deepEqual(runs(), before);
  });

  it('a Studio image row runs the full loop from its own node', async () => {
    api.studio.refresh();
    const groups = await api.studio.getChildren();
    const images = groups.find((n) => n.type === 'group' && n.group === 'images');
    assert.ok(images, 'an Images group');
    const rows: StudioNode[] = await api.studio.getChildren(images);
    const node = rows.find((n) => n.type === 'dataset' && n.uri.fsPath === volume.fsPath) ?? assert.fail('the Studio lists anatomical.nii');
    assert.equal(api.studio.getTreeItem(node).contextValue, 'dataset.image');
    const r = expectOk(
      await run('medsynth.runFullLoop', node, [node], { rows: 8, seed: 3, openReport: false }),
      'Run Full Loop on the node',
    );
    track(r.runDir);
    assert.equal(pngsIn(path.join(r.runDir ?? '', 'synthetic')).length, 8);
  });

  it('offers Fit, Evaluate and Run Full Loop on image files and folders of images, and has the image settings', () => {
    const contributes = vscode.extensions.getExtension('medsynth.medsynth')?.packageJSON.contributes as Contributes;
    const when = (menu: string, id: string): string =>
      contributes.menus[menu]
        .filter((m) => m.command === id)
        .map((m) => m.when ?? '')
        .join(' ');
    for (const id of ['medsynth.fitGenerator', 'medsynth.runFullLoop', 'medsynth.evaluate']) {
      const w = when('explorer/context', id);
      for (const name of ['dcm', 'nii', 'nii\\.gz', 'png', 'jpe?g', 'DICOMDIR', 'csv'])
        assert.ok(w.includes(name), `${id} shows on ${name}: ${w}`);
      assert.match(w, /explorerResourceIsFolder && resourcePath in medsynth\.datasetFolders/);
      // The when clause's own regular expression takes a .nii file and leaves a README out.
      const ext = /resourceExtname =~ \/(.+?)\/i/.exec(w)?.[1] ?? assert.fail(`a resourceExtname test in ${w}`);
      assert.ok(new RegExp(ext, 'i').test('.nii') && new RegExp(ext, 'i').test('.PNG') && !new RegExp(ext, 'i').test('.md'), ext);
      assert.match(when('view/item/context', id), /viewItem =~ \/\^dataset\\\.\(table\|image\)\$\//);
    }
    assert.match(when('explorer/context', 'medsynth.generate'), /explorerResourceIsFolder && resourcePath not in medsynth\.datasetFolders/);
    const props = contributes.configuration.properties;
    assert.deepEqual(props['medsynth.imageFormat']?.enum, ['png', 'dcm', 'nii', 'nii.gz', 'npy']);
    const config = vscode.workspace.getConfiguration('medsynth');
    assert.equal(config.get('imageEmbedder'), '');
    assert.equal(config.get('imageFormat'), 'png');
  });
});
