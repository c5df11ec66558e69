// `evaluate --shard i/k|auto [--shards K] --partial <file>` and `evaluate --merge <partial>...`: the
// CLI side of sharded evaluation (src/engine/evaluateShard.ts). evaluateCommand parses the flags and
// hands over here; a merge then prints and writes the report like any evaluation.
import { MedSynthError } from '../core/errors';
import type { MetricOptions } from '../core/metrics/metricOptions';
import type { ReadLimits } from '../core/data/limits';
import type { TableReadSettings } from '../core/data/table/readSettings';
import { evaluateShard } from '../engine/evaluateShard';
import { parseShard } from '../engine/generate';
import { shardFromEnvironment } from '../engine/shardEnv';
import { integerOption, requireString } from './args';
import type { ParsedArgs } from './args';
import type { CliContext } from './commands';
import { checkOutputParent } from './outputs';

export const EVALUATE_SHARD_OPTIONS = {
  shard: { type: 'string' },
  shards: { type: 'string' },
  partial: { type: 'string' },
  merge: { type: 'boolean' },
} as const;

export const EVALUATE_SHARD_HELP =
  '  Sharded (tables): --shard i/k|auto [--shards K] --partial <file> computes shard i of the nearest-neighbour passes (the i-th\n' +
  '  block of query rows, [floor(i*n/k), floor((i+1)*n/k)), against all reference rows) and writes one partial file\n' +
  '  (medsynth.evalpartial/1); --shard auto as for generate. --merge <partial>... with the same --real/--synth/--holdout,\n' +
  '  --metrics and metric flags checks the parts (same input hashes, options and count, every index once), then evaluates as\n' +
  '  usual: the k-NN passes are what is sharded; every other metric (the distributional ones are O(n log n)) is computed at\n' +
  "  merge on the full data. The merged report equals the single run's but for createdAt.\n";

/** The partial files of `--merge` (the positionals), or undefined without it; BAD_USAGE for stray arguments or --merge with --shard. */
export function mergeFiles(args: ParsedArgs): readonly string[] | undefined {
  if (!args.flags.has('merge')) {
    if (args.positionals.length > 0) throw new MedSynthError('BAD_USAGE', `evaluate: unexpected argument '${args.positionals[0]}'`);
    for (const flag of ['partial', 'shards'])
      if (args.strings.has(flag) && !args.strings.has('shard'))
        throw new MedSynthError('BAD_USAGE', `evaluate: --${flag} goes with --shard`);
    return undefined;
  }
  if (args.strings.has('shard') || args.strings.has('partial'))
    throw new MedSynthError('BAD_USAGE', 'evaluate: --merge takes the partial files; it goes without --shard and --partial');
  if (args.positionals.length === 0)
    throw new MedSynthError('BAD_USAGE', 'evaluate --merge: give the partial files (evaluate --merge <partial>...)');
  return args.positionals;
}

export interface ShardCommandInputs {
  readonly real: string;
  readonly synth: string;
  readonly holdout?: string;
  readonly metrics?: readonly string[];
  readonly metricOptions?: MetricOptions;
  readonly limits?: ReadLimits;
  readonly read?: TableReadSettings;
}

/** evaluate --shard: one shard's partial file; the report flags belong to the merge. */
export async function evaluateShardCommand(args: ParsedArgs, ctx: CliContext, inputs: ShardCommandInputs): Promise<void> {
  for (const flag of ['json', 'html', 'markdown', 'embedder', 'ep'])
    if (args.strings.has(flag)) throw new MedSynthError('BAD_USAGE', `evaluate --shard: --${flag} belongs to evaluate --merge`);
  const partial = requireString(args, 'evaluate --shard', 'partial');
  await checkOutputParent('evaluate', '--partial', partial);
  const text = (args.strings.get('shard') ?? '').trim();
  const shards = integerOption(args, 'evaluate', 'shards', 1);
  if (shards !== undefined && text !== 'auto') throw new MedSynthError('BAD_USAGE', 'evaluate: --shards K goes with --shard auto');
  const shard = text === 'auto' ? shardFromEnvironment(process.env, shards).shard : parseShard(text);
  const res = await evaluateShard({ ...inputs, shard, partial, signal: ctx.signal });
  const passes = res.passes.map((p) => `${p.keys.join(' + ')} rows [${p.queryRows[0]}, ${p.queryRows[1]}) of ${p.queryTotal}`).join('; ');
  ctx.stdout(
    `evaluated shard ${shard.index}/${shard.count} of the nearest-neighbour passes (${passes || 'none for these metrics'}): ${res.bytes} bytes to ${res.partial} in ${Math.round(res.totalMs)} ms\n`,
  );
}
