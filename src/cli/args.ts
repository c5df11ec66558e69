// Argument parsing for `medsynth`: node:util parseArgs per command, with its errors turned into
// BAD_USAGE so every usage mistake exits 2 with a one-line reason.
import { parseArgs } from 'node:util';
import { MedSynthError } from '../core/errors';
import type { DecodeLimits } from '../core/data/decodeLimits';

export type OptionSpec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly strings: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

export function parseCommandArgs(command: string, argv: readonly string[], options: OptionSpec, positionals: { min: number; max: number }): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new MedSynthError('BAD_USAGE', `${command}: ${msg.replace(/\. To specify a positional argument.*$/, '')}`);
  }
  const strings = new Map<string, string>();
  const flags = new Set<string>();
  for (const [key, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') strings.set(key, value);
    else if (value === true) flags.add(key);
  }
  if (!flags.has('help')) {
    const n = parsed.positionals.length;
    if (n < positionals.min) throw new MedSynthError('BAD_USAGE', `${command}: missing argument (see medsynth ${command} --help)`);
    if (n > positionals.max) throw new MedSynthError('BAD_USAGE', `${command}: unexpected argument '${parsed.positionals[positionals.max]}'`);
  }
  return { positionals: parsed.positionals, strings, flags };
}

export function requireString(args: ParsedArgs, command: string, name: string): string {
  const v = args.strings.get(name);
  if (v === undefined || v === '') throw new MedSynthError('BAD_USAGE', `${command}: --${name} is required`);
  return v;
}

/** A non-negative safe integer option, or the fallback when absent. */
export function integerOption(args: ParsedArgs, command: string, name: string, fallback?: number): number | undefined {
  const v = args.strings.get(name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) throw new MedSynthError('BAD_USAGE', `${command}: --${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

/** Read caps shared by every command that reads a table (`--max-rows`, `--max-cells`). */
export const LIMIT_OPTIONS = { 'max-rows': { type: 'string' }, 'max-cells': { type: 'string' } } as const;

/** Decode caps for images, signals and text (`--max-pixels`, `--max-samples`, `--max-decompressed-bytes`). */
export const DECODE_LIMIT_OPTIONS = { 'max-pixels': { type: 'string' }, 'max-samples': { type: 'string' }, 'max-decompressed-bytes': { type: 'string' } } as const;

function positiveOption(args: ParsedArgs, command: string, name: string): number | undefined {
  const v = integerOption(args, command, name);
  if (v === 0) throw new MedSynthError('BAD_USAGE', `${command}: --${name} must be at least 1`);
  return v;
}

export function limitOptions(args: ParsedArgs, command: string): { maxRows?: number; maxCells?: number } {
  return { maxRows: positiveOption(args, command, 'max-rows'), maxCells: positiveOption(args, command, 'max-cells') };
}

export function decodeLimitOptions(args: ParsedArgs, command: string): DecodeLimits {
  return {
    maxPixels: positiveOption(args, command, 'max-pixels'),
    maxSamples: positiveOption(args, command, 'max-samples'),
    maxDecompressedBytes: positiveOption(args, command, 'max-decompressed-bytes'),
  };
}

export function listOption(args: ParsedArgs, name: string): string[] | undefined {
  const v = args.strings.get(name);
  if (v === undefined) return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const USAGE = `Usage: medsynth <command> [options]

Commands:
  run <dataset> [--n N] [--seed S] [--holdout-fraction F] [--ep list] [--json]
                                                  the whole job: hold out rows, fit, generate, evaluate (as VS Code's Run Full Loop)
  inspect <path> [--json]                         describe a dataset (table, DICOM/NIfTI/PNG/JPEG image, WFDB/EDF/BDF signal,
                                                  tokenizer.json) or a generator (folder or .onnx)
  convert <in> <out>                              convert a table; formats by extension (.csv .tsv .parquet .jsonl)
  split <in> --seed S --train <out> --holdout <out> [--fraction F]
                                                  hold out a seeded share F (default 0.2) of the rows for the privacy check
  fit <dataset> --generator copula --out <dir>    fit a built-in generator; writes <dir>/model.onnx and medsynth.json
  generate <model-dir|model.onnx> --n N --seed S --out <path> [--ep cuda,cpu] [--batch B] [--shard i/k] [--json]
                                                  sample a generator; same model + seed + n gives the same rows
  evaluate --real <path> --synth <path> [--holdout <path>] [--metrics id,...] [--json <file>] [--html <file>] [--markdown <file>]
                                                  score fidelity and privacy; prints a summary table

Commands that read tables accept --max-rows N and --max-cells N (default 50,000,000 cells): a larger
table ends with exit code 2 and a message naming the limit instead of exhausting memory.

Exit codes: 0 ok, 1 a run failed, 2 bad usage or bad input.
`;
