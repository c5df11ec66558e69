// Inspect Dataset in the real VS Code: an image and a signal record from the sample workspace open as a
// read-only summary document; a file MedSynth cannot read is refused with a reason, nothing crashes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as zlib from 'node:zlib';
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
      const again = await vscode.commands.executeCommand<InspectOutcome>(
        'medsynth.inspectDataset',
        vscode.Uri.file(path.join(root, 'images', 'CT_small.dcm')),
      );
      assert.equal(again?.ok, true);
    } finally {
      fs.rmSync(bogus, { force: true });
    }
  });

  it('refuses a hostile .nii.gz declaring 32767 x 32767 x 32767 voxels, naming the setting, and stays responsive', async () => {
    // A NIfTI-1 header (348 bytes, little endian) written by hand from the NIfTI-1 specification: dim = [3, 32767,
    // 32767, 32767], datatype 4 (int16), bitpix 16, vox_offset 352, magic 'n+1'; then 4 bytes of extension flag and
    // no voxel data, gzipped (nibabel 5.0 reads it as shape (32767, 32767, 32767), int16). Declared: 32767^3 = 3.5e13
    // values, far above the default medsynth.maxPixels (2^29).
    const header = Buffer.alloc(352);
    header.writeInt32LE(348, 0);
    [3, 32767, 32767, 32767, 1, 1, 1, 1].forEach((d, i) => header.writeInt16LE(d, 40 + 2 * i));
    header.writeInt16LE(4, 70);
    header.writeInt16LE(16, 72);
    [1, 1, 1, 1, 0, 0, 0, 0].forEach((p, i) => header.writeFloatLE(p, 76 + 4 * i));
    header.writeFloatLE(352, 108);
    header.write('n+1\0', 344, 'latin1');
    const bomb = path.join(root, 'images', 'hostile.nii.gz');
    fs.writeFileSync(bomb, zlib.gzipSync(header));
    try {
      const started = Date.now();
      const r = await vscode.commands.executeCommand<InspectOutcome>('medsynth.inspectDataset', vscode.Uri.file(bomb));
      assert.equal(r?.ok, false);
      assert.match(r?.reason ?? '', /hostile\.nii\.gz.*medsynth\.maxPixels/);
      assert.ok(Date.now() - started < 10_000, 'refused before decoding anything');
      const again = await vscode.commands.executeCommand<InspectOutcome>(
        'medsynth.inspectDataset',
        vscode.Uri.file(path.join(root, 'images', 'CT_small.dcm')),
      );
      assert.equal(again?.ok, true);
    } finally {
      fs.rmSync(bomb, { force: true });
    }
  });
});
