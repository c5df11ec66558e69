// Test helper: a copula generator fitted on the public breast_cancer table (scikit-learn's copy),
// written straight to a temp folder so inference tests depend on neither the table reader nor storage.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '../../../src/core/data/table/table';
import { fitCopula } from '../../../src/core/generators/copula';
import { buildCopulaGenerator } from '../../../src/core/generators/copulaGraph';
import type { GeneratorManifest } from '../../../src/core/generators/manifest';

export const BREAST_CANCER = join(__dirname, '..', '..', 'fixtures', 'tables', 'breast_cancer.csv');
export const INFERENCE_SCRIPT = join(__dirname, '..', '..', '..', 'src', 'inference', 'main.ts');

/** breast_cancer.csv is all-numeric with no quoting, so a plain split reads it exactly. */
export function readNumericCsv(path: string): Table {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return {
    rowCount: rows.length,
    columns: header.map((name, j) => {
      const values = Float64Array.from(rows, (r) => r[j]);
      return { kind: 'numeric' as const, name, values, integer: values.every((v) => Number.isInteger(v)) };
    }),
  };
}

export interface CopulaFixture {
  readonly dir: string;
  readonly modelPath: string;
  readonly manifest: GeneratorManifest;
  readonly dims: number;
}

export function writeCopulaFixture(): CopulaFixture {
  const { onnx, manifest } = buildCopulaGenerator(fitCopula(readNumericCsv(BREAST_CANCER)));
  const dir = mkdtempSync(join(tmpdir(), 'medsynth-inf-'));
  const modelPath = join(dir, 'model.onnx');
  writeFileSync(modelPath, onnx);
  writeFileSync(join(dir, 'medsynth.json'), JSON.stringify(manifest, null, 2));
  return { dir, modelPath, manifest, dims: manifest.inputs.latent.shape[1] };
}
