// Restricted Mode (an untrusted workspace): MedSynth still activates and lets the user look at data,
// but fitting, generating and evaluating refuse with a message that says how to trust the workspace.
// test-integration.sh runs this suite alone, in a second code-server with workspace trust enabled.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectCtSmall } from './inspectChecks';

interface Outcome {
  readonly ok: boolean;
  readonly reason?: string;
  readonly rows?: number;
}

describe('Restricted Mode', () => {
  let root: string;
  before(async () => {
    await vscode.extensions.getExtension('medsynth.medsynth')?.activate();
    root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? assert.fail('a workspace folder is open');
  });

  it('runs in an untrusted workspace', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(vscode.extensions.getExtension('medsynth.medsynth')?.isActive, true);
  });

  it('refuses fit, generate, evaluate and the full loop, saying how to trust the workspace', async () => {
    const patients = vscode.Uri.file(path.join(root, 'patients.csv'));
    for (const id of ['medsynth.fitGenerator', 'medsynth.generate', 'medsynth.evaluate', 'medsynth.runFullLoop', 'medsynth.enableCuda']) {
      const r = await vscode.commands.executeCommand<Outcome>(id, patients, { real: patients.fsPath, rows: 10 });
      assert.equal(r?.ok, false, `${id} refused`);
      assert.match(r?.reason ?? '', /Restricted Mode.*Trust/, `${id} says how to trust`);
    }
    assert.equal(fs.existsSync(path.join(root, 'synthetic')), false, 'nothing written');
  });

  it('still previews a table', async () => {
    const r = await vscode.commands.executeCommand<Outcome>('medsynth.previewTable', vscode.Uri.file(path.join(root, 'patients.csv')));
    assert.equal(r?.ok, true);
    assert.equal(r?.rows, 500);
  });

  it('still inspects an image (reading loads no model and writes nothing)', () => inspectCtSmall(root));
});
