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

/**
 * node's parseArgs reads `--n -5` as the option --n followed by an option -5 and gives up with
 * "argument is ambiguous". A value that looks like a negative number is joined to its option
 * (`--n=-5`), so it reaches the option's own check and gets the same message as any other bad value.
 */
export function joinNegativeValues(argv: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const name = token.startsWith('--') && !token.includes('=') ? token.slice(2) : undefined;
    const next = argv[i + 1];
    if (
      name !== undefined &&
      Object.hasOwn(options, name) &&
      options[name].type === 'string' &&
      next !== undefined &&
      /^-(?:\d|\.\d)/.test(next)
    ) {
      out.push(`${token}=${next}`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: OptionSpec,
  positionals: { min: number; max: number },
): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
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
    if (n > positionals.max)
      throw new MedSynthError('BAD_USAGE', `${command}: unexpected argument '${parsed.positionals[positionals.max]}'`);
  }
  return { positionals: parsed.positionals, strings, flags };
}

export function requireString(args: ParsedArgs, command: string, name: string): string {
  const v = args.strings.get(name);
  if (v === undefined || v === '') throw new MedSynthError('BAD_USAGE', `${command}: --${name} is required`);
  return v;
}

/**
 * A whole-number option of at least `min`, or the fallback when absent. Every wrong value ('-5', '0'
 * where 1 is the least, 'abc', '1.5', '1e3', a number past 2^53) gets the same message, naming the
 * option, the range and the value given.
 */
export function integerOption(args: ParsedArgs, command: string, name: string, min: number, fallback?: number): number | undefined {
  const v = args.strings.get(name);
  if (v === undefined) return fallback;
  const text = v.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    const tooLarge = /^\d+$/.test(text) && !Number.isSafeInteger(value);
    throw new MedSynthError(
      'BAD_USAGE',
      `${command}: --${name} must be a whole number of at least ${min}${tooLarge ? ` and at most ${Number.MAX_SAFE_INTEGER}` : ''}, got '${v}'`,
    );
  }
  return value;
}

/** A required whole-number option (see integerOption). */
export function requireInteger(args: ParsedArgs, command: string, name: string, min: number, why = ''): number {
  const v = integerOption(args, command, name, min);
  if (v === undefined) throw new MedSynthError('BAD_USAGE', `${command}: --${name} is required${why}`);
  return v;
}

/** Read caps shared by every command that reads a table (`--max-rows`, `--max-cells`). */
export const LIMIT_OPTIONS = { 'max-rows': { type: 'string' }, 'max-cells': { type: 'string' } } as const;

/** Decode caps for images, signals and text (`--max-pixels`, `--max-samples`, `--max-decompressed-bytes`). */
export const DECODE_LIMIT_OPTIONS = {
  'max-pixels': { type: 'string' },
  'max-samples': { type: 'string' },
  'max-decompressed-bytes': { type: 'string' },
} as const;

function positiveOption(args: ParsedArgs, command: string, name: string): number | undefined {
  return integerOption(args, command, name, 1);
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
  run <dataset> [--n N] [--seed S] [--holdout-fraction F] [--types col=kind,...] [--ep list] [--json]
                                                  the whole job: hold out rows, fit, generate, evaluate (as VS Code's Run Full Loop)
  inspect <path> [--json] [--types col=kind,...]  describe a dataset (table, DICOM/NIfTI/PNG/JPEG image, WFDB/EDF/BDF signal,
                                                  tokenizer.json) or a generator (folder or .onnx)
  convert <in> <out>                              convert a table (.csv .tsv .parquet .jsonl) or one image (.npy .png .nii .nii.gz .dcm)
  split <in> --seed S --train <out> --holdout <out> [--fraction F]
                                                  hold out a seeded share F (default 0.2) of the rows for the privacy check
  fit <dataset> [--generator copula|ppca] --out <dir> [--types col=kind,...]
                                                  fit a built-in generator (tables: copula; images: ppca); writes <dir>/model.onnx and medsynth.json
  generate <model-dir|model.onnx> --n N --seed S --out <path> [--format png|dcm|nii|nii.gz|npy] [--ep cuda,cpu] [--batch B] [--shard i/k] [--json]
                                                  sample a generator; same model + seed + n gives the same rows (images: a folder, one file each)
  merge <shard output>... --out <file|folder>     put the parts of generate --shard back together into the single run's output
  slurm generate <model-dir> --n N --seed S --out <dir> --shards K [--cpus C] [--mem 4G] [--time T] [--ep cuda] [--write <file>] [--kubernetes]
                                                  print an sbatch array script (or a Kubernetes indexed Job) for a sharded generate and its merge
  evaluate --real <path> --synth <path> [--holdout <path>] [--metrics id,...] [--types col=kind,...]
           [--embedder <folder>] [--json <file>] [--html <file>] [--markdown <file>]
                                                  score fidelity and privacy; prints a summary table

Commands that read tables accept --max-rows N and --max-cells N (default 50,000,000 cells): a larger
table ends with exit code 2 and a message naming the limit instead of exhausting memory. They also accept
--delimiter C (one character, tab, whitespace), --encoding utf-8|latin1 and --comment PREFIX when the
reader's guess is wrong; inspect, fit, run and evaluate accept --types col=kind,... (kinds: numeric,
categorical, datetime, boolean, identifier, text) to set column kinds instead of inferring them.
Output folders must exist: no command creates a folder you did not name (fit creates its --out itself).

Exit codes: 0 ok, 1 a run failed, 2 bad usage or bad input.
`;
