// `medsynth merge <shard outputs...> --out <file|folder>`: the parts of a sharded generate run put back
// together into the single run's output (src/engine/merge.ts checks and concatenates them).
import { mergeShards } from '../engine/merge';
import { parseCommandArgs, requireString } from './args';
import type { CliContext } from './commands';
import { checkOutputParent } from './outputs';

export const MERGE_HELP =
  'medsynth merge <shard output>... --out <file|folder> [--json]\n' +
  '  Merge the parts written by generate --shard i/k (or --shard auto) into the output of the single run, byte for byte.\n' +
  '  Each part has a shard manifest (<part>.shard.json; shard.json in a folder); they must name the same generator, seed,\n' +
  '  n and shard count, and every index once. Tables (.csv .tsv .jsonl): the header once, rows in index order; image\n' +
  '  folders: every file copied into one new folder. Parquet parts are not merged (generate CSV shards, then convert).\n' +
  '  --out must not be an input; the folder that holds it must exist.\n';

export async function mergeCommand(argv: readonly string[], ctx: CliContext): Promise<void> {
  const args = parseCommandArgs(
    'merge',
    argv,
    { out: { type: 'string' }, json: { type: 'boolean' } },
    { min: 1, max: Number.MAX_SAFE_INTEGER },
  );
  if (args.flags.has('help')) return ctx.stdout(MERGE_HELP);
  const out = requireString(args, 'merge', 'out');
  await checkOutputParent('merge', '--out', out);
  const res = await mergeShards({ inputs: args.positionals, out, signal: ctx.signal });
  if (args.flags.has('json')) return ctx.stdout(`${JSON.stringify(res, null, 2)}\n`);
  const what = res.files !== undefined ? `${res.files} file(s)` : `${res.rows} rows`;
  ctx.stdout(
    `merged ${res.shards} shard(s) of ${res.generator.name} (n ${res.n}, seed ${res.seed}) into ${what} at ${res.out} in ${Math.round(res.totalMs)} ms\n`,
  );
}
