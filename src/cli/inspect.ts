// `medsynth inspect <path>`: what a file or folder holds, for every kind MedSynth reads. Tables and
// generators as before; images, signal records and tokenizers through storage/datasets. The summary
// never carries patient identifiers (the readers keep none).
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MedSynthError } from '../core/errors';
import { modalityForPath, summariseDataset } from '../core/modalities/registry';
import { inferTableFormat } from '../core/data/table/format';
import { InferenceClient } from '../engine/inferenceClient';
import { describeDataset, finiteOrNull, readDatasetFile } from '../storage/datasets';
import { loadGenerator } from '../storage/generatorFolder';
import { readTableFile } from '../storage/tables';
import { DECODE_LIMIT_OPTIONS, LIMIT_OPTIONS, decodeLimitOptions, limitOptions, parseCommandArgs } from './args';
import type { CliContext } from './commands';
import { COMMAND_HELP } from './commands';
import { humanInspect } from '../core/data/inspectText';
import { formatGeneratorSummary } from '../engine/generatorDescription';
import type { GeneratorDescription } from '../engine/generatorDescription';
import { hasReadOptions, READ_OPTIONS, readSettingsOption } from './readOptions';

async function pathKind(path: string): Promise<'dir' | 'file'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    throw new MedSynthError('BAD_INPUT', 'no such file or folder', { file: path });
  }
}

async function hasManifest(folder: string): Promise<boolean> {
  return stat(resolve(folder, 'medsynth.json')).then(
    (s) => s.isFile(),
    () => false,
  );
}

export async function inspect(argv: readonly string[], ctx: CliContext): Promise<void> {
  const args = parseCommandArgs(
    'inspect',
    argv,
    { json: { type: 'boolean' }, ...READ_OPTIONS, ...LIMIT_OPTIONS, ...DECODE_LIMIT_OPTIONS },
    { min: 1, max: 1 },
  );
  if (args.flags.has('help')) return ctx.stdout(COMMAND_HELP.inspect);
  const path = args.positionals[0];
  const json = args.flags.has('json');
  const read = readSettingsOption(args, 'inspect');
  const limits = limitOptions(args, 'inspect');
  const decodeLimits = decodeLimitOptions(args, 'inspect');
  const kind = await pathKind(path);
  const isTable = kind === 'file' && inferTableFormat(path) !== undefined;
  if (hasReadOptions(args) && !isTable)
    throw new MedSynthError(
      'BAD_USAGE',
      `inspect: --types, --delimiter, --encoding and --comment apply to tables only (.csv .tsv .parquet .jsonl), not to ${path}`,
    );
  if ((kind === 'dir' && (await hasManifest(path))) || path.toLowerCase().endsWith('.onnx')) {
    const generator = await describeGenerator(path, ctx);
    ctx.stdout(json ? `${JSON.stringify(generator, finiteOrNull, 2)}\n` : formatGeneratorSummary(generator));
    return;
  }
  let description: Record<string, unknown>;
  if (isTable) {
    // A table file is read by the table reader (storage/tables.ts); its modality summarises it.
    const table = await readTableFile(path, { ...read, ...limits, signal: ctx.signal });
    const modality = modalityForPath(path);
    if (!modality) throw new MedSynthError('UNSUPPORTED', 'no registered modality reads this file', { file: path });
    description = { kind: 'dataset', modality: modality.id, path: resolve(path), ...summariseDataset(modality, table, path) };
  } else {
    description = describeDataset(resolve(path), await readDatasetFile(path, { limits: decodeLimits, signal: ctx.signal }));
  }
  ctx.stdout(json ? `${JSON.stringify(description, finiteOrNull, 2)}\n` : `${humanInspect(description)}${notesBlock(description.notes)}`);
}

/** The human summary's "notes:" block, one indented line per note; empty when the reader noted nothing. */
function notesBlock(notes: unknown): string {
  if (!Array.isArray(notes) || notes.length === 0) return '';
  return `notes:\n${notes.map((n) => `  ${String(n)}\n`).join('')}`;
}

async function describeGenerator(path: string, ctx: CliContext): Promise<GeneratorDescription> {
  const gen = await loadGenerator(path);
  const client = new InferenceClient({ onLog: (level, m) => level !== 'info' && ctx.stderr(`medsynth: ${m}\n`) });
  try {
    const io = await client.describeModel(gen.modelPath, { signal: ctx.signal });
    return {
      kind: 'generator',
      modality: gen.manifest.modality,
      path: resolve(path),
      modelSha256: gen.modelSha256,
      manifest: gen.manifest,
      model: { inputs: io.inputs, outputs: io.outputs },
    };
  } finally {
    client.dispose();
  }
}
