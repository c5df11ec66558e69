// Inspect Dataset in the real VS Code: an image and a signal record from the sample workspace open as a
// read-only summary document; a file MedSynth cannot read is refused with a reason, nothing crashes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InspectOutcome } from './inspectChecks';
import { inspectCtSmall } from './inspectChecks';

describe('Inspect Dataset', () => {
  let root: string;
  before(async () => {
    await vscode.extensions.getExtension('medsynth.medsynth')?.activate();
    root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? assert.fail('a workspace folder is open');
  });

  it('shows a DICOM image: shape, Hounsfield units, spacing, and no patient name', () => inspectCtSmall(root));

  it('shows a signal record: channels, sample rates and samples', async () => {
    const signals = path.join(root, 'signals');
    const header = fs.readdirSync(signals).find((f) => f.endsWith('.hea'));
    assert.ok(header, 'the sample workspace has a WFDB record');
    const r = await vscode.commands.executeCommand<InspectOutcome>('medsynth.inspectDataset', vscode.Uri.file(path.join(signals, header)));
    assert.equal(r?.ok, true, r?.reason);
    const channels = r?.description?.records?.[0]?.channels ?? [];
    assert.ok(channels.length >= 1);
    for (const c of channels) assert.ok(c.sampleRate > 0 && c.samples > 0, `${c.name}: ${c.sampleRate} Hz, ${c.samples} samples`);
  });

  it('refuses a file it cannot read with a reason, without crashing', async () => {
    const bogus = path.join(root, 'images', 'not-an-image.png');
    fs.writeFileSync(bogus, 'this is text, not a PNG');
    try {
      const r = await vscode.commands.executeCommand<InspectOutcome>('medsynth.inspectDataset', vscode.Uri.file(bogus));
      assert.equal(r?.ok, false);
      assert.match(r?.reason ?? '', /not-an-image\.png/);
      // The extension is still there and answers the next command.
      const again = await vscode.commands.executeCommand<InspectOutcome>('medsynth.inspectDataset', vscode.Uri.file(path.join(root, 'images', 'CT_small.dcm')));
      assert.equal(again?.ok, true);
    } finally {
      fs.rmSync(bogus, { force: true });
    }
  });
});
