// The packaged extension as VS Code sees it: it is installed (not a development path), activates, and
// every command, menu entry and setting package.json contributes is really registered.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitForTab } from './tabs';

export const EXTENSION_ID = 'medsynth.medsynth';

interface Contributes {
  readonly commands: readonly { readonly command: string; readonly title: string; readonly category?: string }[];
  readonly menus: Readonly<Record<string, readonly { readonly command: string; readonly when?: string }[]>>;
  readonly configuration: { readonly properties: Readonly<Record<string, { readonly default?: unknown }>> };
}

function medsynth(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext;
}

describe('MedSynth in a real VS Code', () => {
  it('is the installed VSIX with only the linux-x64 runtime, and activates', async () => {
    const ext = medsynth();
    console.log(`VS Code ${vscode.version}, Node ${process.version}, extension at ${ext.extensionPath}, uiKind ${vscode.env.uiKind}`);
    // The installed copy lives in the profile's extensions folder and holds only what the VSIX allowlist
    // keeps: bundles and the linux-x64 ONNX Runtime binaries, no sources and no other platforms.
    assert.equal(path.basename(path.dirname(ext.extensionPath)), 'extensions', `installed copy expected, got ${ext.extensionPath}`);
    const ort = path.join(ext.extensionPath, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
    assert.deepEqual(fs.readdirSync(ort), ['linux']);
    assert.deepEqual(fs.readdirSync(path.join(ort, 'linux')), ['x64']);
    for (const absent of ['src', 'test', 'tsconfig.json', 'node_modules/hyparquet'])
      assert.equal(fs.existsSync(path.join(ext.extensionPath, absent)), false, `${absent} not packaged`);
    for (const present of [
      'dist/extension.js',
      'dist/inference.js',
      'dist/datasetWorker.js',
      'dist/webview/report.js',
      'dist/webview/tablePreview.js',
      'dist/webview/imageViewer.js',
      'dist/webview/generatorCard.js',
      'assets/embedder/model.onnx',
      'assets/embedder/medsynth.json',
      'dist/codecs/charlswasm_decode.wasm',
      'dist/codecs/openjpegwasm_decode.wasm',
      'dist/codecs/libjpegturbowasm_decode.wasm',
      'dist/codecs/openjphjs.wasm',
    ])
      assert.ok(fs.existsSync(path.join(ext.extensionPath, present)), `${present} packaged`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every contributed command, all under the MedSynth category', async () => {
    const contributes = medsynth().packageJSON.contributes as Contributes;
    const registered = new Set(await vscode.commands.getCommands(true));
    const ids = contributes.commands.map((c) => c.command);
    for (const id of [
      'medsynth.openStudio',
      'medsynth.previewTable',
      'medsynth.fitGenerator',
      'medsynth.generate',
      'medsynth.evaluate',
      'medsynth.runFullLoop',
      'medsynth.enableCuda',
    ]) {
      assert.ok(ids.includes(id), `${id} is contributed`);
    }
    for (const c of contributes.commands) {
      assert.ok(registered.has(c.command), `${c.command} is registered`);
      assert.equal(c.category, 'MedSynth', `${c.command} category`);
    }
  });

  it('puts table commands on .csv/.tsv/.parquet/.jsonl and studio commands on folders in the explorer menu', () => {
    const menu = (medsynth().packageJSON.contributes as Contributes).menus['explorer/context'];
    const when = (id: string): string[] => menu.filter((m) => m.command === id).map((m) => m.when ?? '');
    for (const id of ['medsynth.previewTable', 'medsynth.fitGenerator', 'medsynth.runFullLoop', 'medsynth.evaluate']) {
      const w = when(id).join(' ');
      for (const ext of ['csv', 'tsv', 'parquet', 'jsonl']) assert.ok(w.includes(ext), `${id} shows on .${ext}: ${w}`);
    }
    assert.ok(
      when('medsynth.openStudio').some((w) => w.includes('explorerResourceIsFolder')),
      'Open Studio on folders',
    );
    assert.ok(
      when('medsynth.generate').some((w) => w.includes('explorerResourceIsFolder')),
      'Generate on generator folders',
    );
  });

  it('has its own activity-bar icon, a welcome view, and run actions in the Studio menus', () => {
    const ext = medsynth();
    const contributes = ext.packageJSON.contributes as Contributes & {
      viewsContainers: { activitybar: { id: string; icon: string }[] };
      viewsWelcome: { view: string; contents: string }[];
    };
    const icon = contributes.viewsContainers.activitybar.find((c) => c.id === 'medsynth')?.icon ?? '';
    assert.equal(icon, 'media/medsynth-activity.svg');
    const svg = fs.readFileSync(path.join(ext.extensionPath, icon), 'utf8');
    assert.match(svg, /viewBox="0 0 24 24"/);
    assert.doesNotMatch(svg.replace(/currentColor/g, ''), /#[0-9a-f]{3,8}\b|rgb\(/i, 'monochrome: currentColor only');
    assert.ok(
      contributes.viewsWelcome.filter((w) => w.view === 'medsynth.studio').length >= 2,
      'welcome for no folder and for a folder without datasets',
    );
    const items = contributes.menus['view/item/context'].map((m) => m.command);
    for (const id of [
      'medsynth.runFullLoop',
      'medsynth.previewTable',
      'medsynth.openReport',
      'medsynth.revealRun',
      'medsynth.deleteRun',
      'medsynth.compareRuns',
      'medsynth.inspectDataset',
    ]) {
      assert.ok(items.includes(id), `${id} is in the Studio's item menus`);
    }
  });

  it('exposes its settings with the documented defaults', () => {
    const config = vscode.workspace.getConfiguration('medsynth');
    assert.equal(config.get('outputFolder'), 'synthetic');
    assert.equal(config.get('defaultRows'), 1000);
    assert.equal(config.get('seed'), 42);
    assert.equal(config.get('maxRows'), 1_000_000);
    assert.equal(config.get('holdoutFraction'), 0.2);
    const props = (medsynth().packageJSON.contributes as Contributes).configuration.properties;
    assert.ok('medsynth.executionProviders' in props);
    assert.deepEqual(config.get('columns'), {});
  });

  it('opens the Studio listing the workspace tables', async () => {
    const result = (await vscode.commands.executeCommand('medsynth.openStudio')) as { ok: boolean; datasets: string[] };
    assert.equal(result.ok, true);
    assert.ok(
      result.datasets.some((d) => d.endsWith('patients.csv')),
      JSON.stringify(result.datasets),
    );
  });

  it('previews a table in a webview panel', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    const result = (await vscode.commands.executeCommand('medsynth.previewTable', vscode.Uri.joinPath(folder.uri, 'patients.csv'))) as {
      ok: boolean;
      rows: number;
      columns: { name: string; kind: string }[];
    };
    assert.equal(result.ok, true);
    assert.equal(result.rows, 500);
    assert.deepEqual(result.columns.find((c) => c.name === 'age')?.kind, 'numeric');
    const tabs = await waitForTab((t) => t === 'Preview: patients.csv');
    assert.ok(tabs.includes('Preview: patients.csv'), JSON.stringify(tabs));
  });
});
