// The parsers under fuzz: how each one is called on one input (in the worker process), and where its
// seed corpus and structure-aware cases come from (in the supervising process). A target's input is
// always a single byte string, so a kept failure replays from one file under test/fixtures/fuzz/<target>/.
import { copyFile, mkdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { isMedSynthError } from '../../src/core/errors';
import type { Table, TableFormat } from '../../src/core/data/table/table';
import { parseTable } from '../../src/core/data/table/tableReader';
import { cellText, serializeTable } from '../../src/core/data/table/tableWriter';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { validateManifest } from '../../src/core/generators/manifestValidation';
import { imagePostprocess } from '../../src/core/modalities/image/imagePostprocess';
import { loadGenerator } from '../../src/storage/generatorFolder';
import type { FuzzRandom } from './random';
import type { Built } from './structured';
import type { FuzzTargetSpec } from './targetSpec';
import { SPEC_TARGETS } from './targets/index';
import { structuredDelimited, structuredJsonLines, structuredManifest, structuredOnnx, structuredParquet } from './structured';
import { filesUnder } from './bytes';

export const ROOT = join(__dirname, '..', '..');
const TABLE_TARGETS = ['csv', 'tsv', 'parquet', 'jsonl', 'manifest', 'generator', 'onnx'] as const;
type TableTargetName = (typeof TABLE_TARGETS)[number];
/** Every target: the table/manifest/ONNX ones defined here, then the image, signal and text ones in targets/. */
export const TARGET_NAMES: readonly string[] = [...TABLE_TARGETS, ...SPEC_TARGETS.map((s) => s.name)];
export type TargetName = string;

function specOf(target: TargetName): FuzzTargetSpec | undefined {
  return SPEC_TARGETS.find((s) => s.name === target);
}

/** What one input came to; everything but 'ok' (a valid Table or manifest), 'error' and 'skipped' is a failure. */
export type OutcomeKind = 'ok' | 'error' | 'skipped' | 'exception' | 'invalid' | 'timeout' | 'crash' | 'memory';
export const FAILURE_KINDS: readonly OutcomeKind[] = ['exception', 'invalid', 'timeout', 'crash', 'memory'];

export function isTargetName(name: string): name is TargetName {
  return TARGET_NAMES.includes(name);
}

export function fixtureExtension(target: TargetName): string {
  const spec = specOf(target);
  if (spec) return spec.extension;
  return { csv: 'csv', tsv: 'tsv', parquet: 'parquet', jsonl: 'jsonl', manifest: 'json', generator: 'json', onnx: 'onnx' }[
    target as TableTargetName
  ];
}

const USER_TABLE = join(ROOT, 'test', 'fixtures', 'models', 'user-table');

/** The real fixtures a target mutates; Parquet, TSV and JSONL seeds are the CSV fixtures re-saved. */
export async function loadCorpus(target: TargetName): Promise<Uint8Array[]> {
  const spec = specOf(target);
  if (spec) return spec.loadCorpus();
  const csvFiles = [
    ...(await filesUnder(join(ROOT, 'test', 'fixtures', 'tables'), (n) => n.endsWith('.csv'))),
    ...(await filesUnder(join(ROOT, 'samples', 'workspace'), (n) => n.endsWith('.csv'))),
  ].filter((p) => !p.includes(`${join('samples', 'workspace', 'synthetic')}`));
  const csv = await Promise.all(csvFiles.map(async (p) => new Uint8Array(await readFile(p))));
  if (target === 'csv') return csv;
  if (target === 'tsv' || target === 'parquet' || target === 'jsonl') {
    const out: Uint8Array[] = [];
    for (const bytes of csv) {
      const table = await parseTable(bytes, { format: 'csv' }).catch(() => undefined);
      if (!table) continue;
      out.push(await serializeTable(table, target));
      if (target === 'parquet') out.push(...parquetVariants(table));
    }
    return out;
  }
  const models = join(ROOT, 'test', 'fixtures', 'models');
  const files =
    target === 'onnx' ? await filesUnder(models, (n) => n.endsWith('.onnx')) : await filesUnder(models, (n) => n === 'medsynth.json');
  return Promise.all(files.map(async (p) => new Uint8Array(await readFile(p))));
}

export function buildStructured(target: TargetName, rng: FuzzRandom, base: Uint8Array): Built {
  const spec = specOf(target);
  if (spec) return spec.buildStructured(rng, base);
  switch (target as TableTargetName) {
    case 'csv':
      return structuredDelimited(rng, base, ',');
    case 'tsv':
      return structuredDelimited(rng, base, '\t');
    case 'jsonl':
      return structuredJsonLines(rng, base);
    case 'parquet':
      return structuredParquet(rng, base);
    case 'manifest':
    case 'generator':
      return structuredManifest(rng, base);
    case 'onnx':
      return structuredOnnx(rng, base);
  }
}

/**
 * Parquet written other ways than our writer does (uncompressed, many row groups and small pages,
 * delta encoding, page indexes), so the mutations reach more of the decoder's code paths.
 */
function parquetVariants(table: Table): Uint8Array[] {
  const columnData = (encoding: 'PLAIN' | 'DELTA_BINARY_PACKED'): ColumnSource[] =>
    table.columns.map((c) => {
      if (c.kind === 'numeric' && c.integer)
        return {
          name: c.name,
          data: Array.from(c.values, (v) => (Number.isNaN(v) ? null : BigInt(Math.round(v)))),
          type: 'INT64',
          encoding,
          columnIndex: true,
        };
      if (c.kind === 'numeric')
        return { name: c.name, data: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)), type: 'DOUBLE', columnIndex: true };
      return { name: c.name, data: Array.from({ length: table.rowCount }, (_, r) => cellText(c, r)), type: 'STRING', columnIndex: true };
    });
  try {
    return [
      new Uint8Array(parquetWriteBuffer({ columnData: columnData('PLAIN'), codec: 'UNCOMPRESSED', rowGroupSize: 40, pageSize: 256 })),
      new Uint8Array(
        parquetWriteBuffer({
          columnData: columnData('DELTA_BINARY_PACKED'),
          codec: 'SNAPPY',
          rowGroupSize: 100,
          pageSize: 1024,
          statistics: false,
        }),
      ),
    ];
  } catch {
    return []; // A table the writer cannot express this way just contributes fewer seeds.
  }
}

/** FNV-1a: a cheap hash that picks the stream chunking from the bytes alone, so a replay matches. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i += bytes.length > 65_536 ? 97 : 1) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

/** Small inputs arrive in tiny chunks (every boundary gets hit), big ones in 64 KiB chunks like fs streams. */
async function* chunked(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  const size = bytes.length <= 8192 ? 1 + (fnv1a(bytes) % 64) : 65_536;
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

function checkTable(table: Table): void {
  if (!Number.isInteger(table.rowCount) || table.rowCount < 0) throw new Error(`invalid Table: rowCount ${table.rowCount}`);
  for (const c of table.columns) {
    const length = 'codes' in c ? c.codes.length : c.values.length;
    if (length !== table.rowCount) throw new Error(`invalid Table: column '${c.name}' has ${length} values for ${table.rowCount} rows`);
    if (c.kind === 'categorical' || c.kind === 'boolean') {
      for (const code of c.codes)
        if (code < -1 || code >= c.categories.length) throw new Error(`invalid Table: column '${c.name}' has code ${code}`);
    }
  }
}

/** Scratch folders for the generator targets: a real model beside the mutated manifest, and a file outside. */
export async function prepareScratch(scratch: string): Promise<void> {
  await mkdir(join(scratch, 'gen'), { recursive: true });
  await mkdir(join(scratch, 'onnx'), { recursive: true });
  await mkdir(join(scratch, 'single'), { recursive: true });
  await copyFile(join(USER_TABLE, 'model.onnx'), join(scratch, 'gen', 'model.onnx'));
  await copyFile(join(USER_TABLE, 'model.onnx'), join(scratch, 'outside.onnx'));
  await copyFile(join(USER_TABLE, 'medsynth.json'), join(scratch, 'onnx', 'medsynth.json'));
  // A model path that looks local but is a symlink out of the folder: loading it must be PATH_ESCAPE.
  await symlink(join(scratch, 'outside.onnx'), join(scratch, 'gen', 'linked.onnx')).catch(() => undefined);
}

/** The security oracle for an accepted generator: its model must really lie inside its folder. */
async function checkContained(folder: string, modelPath: string): Promise<void> {
  const root = await realpath(folder);
  const model = await realpath(modelPath);
  if (!model.startsWith(root + sep)) throw new Error(`path escape accepted: the model ${model} lies outside ${root}`);
}

/** Runs one input; resolves with the outcome kind or throws what the parser threw. */
export async function executeTarget(target: TargetName, bytes: Uint8Array, scratch: string): Promise<'ok' | 'skipped'> {
  const spec = specOf(target);
  if (spec) return spec.execute(bytes, scratch);
  switch (target as TableTargetName) {
    case 'csv':
    case 'tsv':
    case 'parquet':
    case 'jsonl': {
      const format: TableFormat = target as TableFormat;
      checkTable(await parseTable(chunked(bytes), { format, fileName: `fuzz.${target}`, signal: AbortSignal.timeout(60_000) }));
      return 'ok';
    }
    case 'manifest': {
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        return 'skipped'; // validateManifest takes parsed JSON; the generator target covers broken text.
      }
      const manifest = validateManifest(json, 'fuzz/medsynth.json');
      // An image generator's postprocess block is checked by the image codec (the new manifest fields).
      if (manifest.modality === 'image') imagePostprocess(manifest, 'fuzz/medsynth.json');
      return 'ok';
    }
    case 'generator': {
      await writeFile(join(scratch, 'gen', 'medsynth.json'), bytes);
      const loaded = await loadGenerator(join(scratch, 'gen'));
      await checkContained(join(scratch, 'gen'), loaded.modelPath);
      return 'ok';
    }
    case 'onnx': {
      await writeFile(join(scratch, 'onnx', 'model.onnx'), bytes);
      await writeFile(join(scratch, 'single', 'model.onnx'), bytes);
      // Both entry points: a folder whose manifest names the model, and a lone .onnx carrying its manifest.
      const results = await Promise.allSettled([
        loadGenerator(join(scratch, 'onnx')),
        loadGenerator(join(scratch, 'single', 'model.onnx')),
      ]);
      const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      const unexpected = rejected.find((e) => !isMedSynthError(e));
      if (unexpected !== undefined) throw unexpected;
      if (rejected.length === results.length) throw rejected[0];
      return 'ok';
    }
  }
}

export function isExpectedError(e: unknown): boolean {
  return isMedSynthError(e);
}
