// Shared by the trusted and the Restricted Mode suites: Inspect Dataset on the sample CT image.
// Expected values: pydicom 2.3 reads CT_small.dcm as 128 x 128, RescaleIntercept -1024, modality values
// -896 .. 1167 HU, pixel spacing 0.661468 mm, patient name 'CompressedSamples^CT1' (must not be shown).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface InspectOutcome {
  readonly ok: boolean;
  readonly reason?: string;
  readonly document?: string;
  readonly description?: {
    readonly modality?: string;
    readonly images?: readonly {
      shape: number[];
      units?: string;
      spacing?: { row: number; column: number };
      values: { min: number; max: number };
    }[];
    readonly records?: readonly { channels: readonly { name: string; sampleRate: number; samples: number }[] }[];
  };
}

export async function inspectCtSmall(root: string): Promise<void> {
  const uri = vscode.Uri.file(path.join(root, 'images', 'CT_small.dcm'));
  const before = fs.readFileSync(uri.fsPath);
  const r = await vscode.commands.executeCommand<InspectOutcome>('medsynth.inspectDataset', uri);
  assert.equal(r?.ok, true, r?.reason);
  const image = r?.description?.images?.[0];
  assert.deepEqual(image?.shape, [1, 128, 128, 1]);
  assert.equal(image?.units, 'HU');
  assert.equal(image?.values.min, -896);
  assert.equal(image?.values.max, 1167);
  assert.ok(Math.abs((image?.spacing?.row ?? 0) - 0.661468) < 1e-6);
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === r?.document);
  assert.ok(doc, 'the summary document is open');
  assert.match(doc.getText(), /1 frame\(s\) of 128 rows x 128 columns, MONOCHROME2/);
  assert.doesNotMatch(doc.getText(), /CompressedSamples/, 'no patient name in the summary');
  assert.deepEqual(fs.readFileSync(uri.fsPath), before, 'the source is unchanged');
}
