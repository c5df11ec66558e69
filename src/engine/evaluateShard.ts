// Sharded evaluation. `evaluate --shard i/k --partial <file>` computes shard i's part of the shared
// nearest-neighbour passes (src/core/metrics/neighbourCache.ts): for each pass, the i-th contiguous
// block of query rows, [floor(i*n/k), floor((i+1)*n/k)) like generate's shards, against every
// reference row; a two-way pass also keeps every reference row's best two among the block. `evaluate
// --merge <partials...>` checks the parts, puts the passes together (blocks side by side; the reverse
// halves by (distance, index), ties to the lowest index), seeds them into the neighbour cache and runs
// the evaluation as usual. Only the k-NN passes are sharded: every other metric (the distributional
// ones are O(n log n)) is computed at merge on the full data. Exact: the merged report equals the
// single run's but for createdAt.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MedSynthError, throwIfAborted } from '../core/errors';
import { emptyNeighbours, mergeNeighbours } from '../core/metrics/distanceKernel';
import type { NearestNeighbours } from '../core/metrics/distanceKernel';
import { nearestRecords, nearestRecordsBothWays } from '../core/metrics/distanceSearch';
import { buildDistanceSpaceYielding } from '../core/metrics/distanceSpace';
import type { DistanceSpace, PackedRows } from '../core/metrics/distanceSpace';
import type { MetricOptions } from '../core/metrics/metricOptions';
import { neighbourSearch, rowsOf, seedNeighbours } from '../core/metrics/neighbourCache';
import type { RowSet } from '../core/metrics/neighbourCache';
import type { Table } from '../core/data/table/table';
import type { ReadLimits } from '../core/data/limits';
import type { TableReadSettings } from '../core/data/table/readSettings';
import { requireEvaluation } from '../core/modalities/registry';
import type { Report } from '../core/report/model';
import { readDataset } from '../storage/datasets';
import { writeFileAtomic } from '../storage/atomic';
import { EVAL_PARTIAL_FORMAT, EVAL_PARTIAL_NOTE, encodePartial, partialSection, readPartial } from './evaluatePartial';
import type { EvalPartialHeader, PartialContent, PartialPass } from './evaluatePartial';
import { evaluateSynthetic } from './evaluate';
import type { EvaluateOptions } from './evaluate';
import type { Shard } from './generate';
import { MEDSYNTH_VERSION } from './version';

/** The passes each distance metric reads (neighbourCache.ts). One missing here is computed at merge; exactness holds either way. */
const PASSES_BY_METRIC: Readonly<Record<string, readonly string[]>> = {
  'privacy.dcr': ['synth->real', 'synth->holdout', 'holdout->real'],
  'privacy.nndr': ['synth->real', 'holdout->real'],
  'privacy.membershipInference': ['real->synth', 'holdout->synth'],
  'privacy.identifiability': ['real->synth', 'real->real'],
  'privacy.authenticity': ['synth->real', 'real->real'],
};
const PASS_ORDER = ['synth->real', 'real->synth', 'synth->holdout', 'holdout->synth', 'holdout->real', 'real->real'];

export interface EvaluateShardOptions {
  readonly real: string;
  readonly synth: string;
  readonly holdout?: string;
  readonly metrics?: readonly string[];
  readonly metricOptions?: MetricOptions;
  readonly limits?: ReadLimits;
  readonly read?: TableReadSettings;
  readonly shard: Shard;
  readonly partial: string;
  readonly signal?: AbortSignal;
}

export interface EvaluateShardResult {
  readonly partial: string;
  readonly shard: Shard;
  readonly passes: readonly PartialPass[];
  readonly bytes: number;
  readonly totalMs: number;
}

/** Rows [start, end) of shard `index` of `count` over n rows (generate's shard bounds). */
export function blockBounds(n: number, index: number, count: number): [number, number] {
  return [Math.floor((index * n) / count), Math.floor(((index + 1) * n) / count)];
}

/** The passes to shard for these metrics: [query, reference, two-way]; a pair whose reverse is wanted too is one two-way pass. */
export function plannedPasses(metricIds: readonly string[], hasHoldout: boolean): [RowSet, RowSet, boolean][] {
  const wanted = new Set(metricIds.flatMap((id) => PASSES_BY_METRIC[id] ?? []).filter((k) => hasHoldout || !k.includes('holdout')));
  const done = new Set<string>();
  const plan: [RowSet, RowSet, boolean][] = [];
  for (const key of PASS_ORDER) {
    if (!wanted.has(key) || done.has(key)) continue;
    const [q, r] = key.split('->') as [RowSet, RowSet];
    const twoWay = q !== r && wanted.has(`${r}->${q}`);
    plan.push([q, r, twoWay]);
    done.add(key);
    if (twoWay) done.add(`${r}->${q}`);
  }
  return plan;
}

/** SHA-256 of the packed space: its stride, columns and every set's packed rows. */
export function spaceSha256(space: DistanceSpace): string {
  const hash = createHash('sha256').update(
    JSON.stringify([space.stride, space.columnCount, space.usedColumns, space.numeric, space.paired]),
  );
  for (const rows of [space.real, space.synth, space.holdout]) {
    hash.update(`|${rows?.count ?? -1}|`);
    if (rows) hash.update(Buffer.from(rows.rows.buffer, rows.rows.byteOffset, rows.rows.byteLength));
  }
  return hash.digest('hex');
}

function blockOf(rows: PackedRows, stride: number, start: number, end: number): PackedRows {
  return { rows: rows.rows.subarray(start * stride, end * stride), count: end - start, cell: (c, r) => rows.cell(c, r + start) };
}

/** Key order for comparing options: the same options in another order are the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** Computes shard `opts.shard`'s part of the neighbour passes and writes it to `opts.partial`. */
export async function evaluateShard(opts: EvaluateShardOptions): Promise<EvaluateShardResult> {
  const started = performance.now();
  const { index, count } = opts.shard;
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new MedSynthError('BAD_USAGE', `--shard must be i/k with 0 <= i < k, got ${index}/${count}`);
  const sources = [opts.real, opts.synth, opts.holdout].filter((p): p is string => p !== undefined).map((p) => resolve(p));
  if (sources.includes(resolve(opts.partial)))
    throw new MedSynthError('BAD_USAGE', `refusing to overwrite the input ${opts.partial} with a partial`);
  const readOne = (path: string, types: boolean) =>
    readDataset(resolve(path), {
      table: { ...(types ? opts.read : { ...opts.read, types: undefined }), ...opts.limits, signal: opts.signal },
    });
  const realRead = await readOne(opts.real, true);
  const modality = realRead.modality;
  const evaluation = requireEvaluation(modality, opts.real);
  if (modality.features?.embedderInput !== undefined)
    throw new MedSynthError(
      'BAD_USAGE',
      `evaluate --shard: ${modality.noun} are compared through an embedder; sharded evaluation is for tables`,
    );
  if (opts.metricOptions) evaluation.checkOptions?.(realRead.dataset, opts.metricOptions);
  const ids = opts.metrics ?? evaluation.metrics.map((m) => m.id);
  for (const id of ids)
    if (!evaluation.metrics.some((m) => m.id === id)) throw new MedSynthError('BAD_USAGE', `unknown ${modality.noun} metric "${id}"`);
  const synthRead = await readOne(opts.synth, false);
  const holdoutRead = opts.holdout !== undefined ? await readOne(opts.holdout, false) : undefined;
  const real = realRead.dataset as Table;
  const synth = evaluation.conform(synthRead.dataset, real) as Table;
  const holdout = holdoutRead ? (evaluation.conform(holdoutRead.dataset, real) as Table) : undefined;
  const space = await buildDistanceSpaceYielding(real, synth, holdout, opts.signal);
  const search = neighbourSearch();
  const passes: PartialPass[] = [];
  const sections: { key: string; kind: 'forward' | 'reverse'; rows: readonly [number, number]; near: NearestNeighbours }[] = [];
  for (const [q, r, twoWay] of plannedPasses(ids, holdout !== undefined)) {
    throwIfAborted(opts.signal);
    const qRows = rowsOf(space, q) as PackedRows;
    const rRows = rowsOf(space, r) as PackedRows;
    const [start, end] = blockBounds(qRows.count, index, count);
    const block = blockOf(qRows, space.stride, start, end);
    const key = `${q}->${r}`;
    const back = `${r}->${q}`;
    passes.push({ query: q, reference: r, keys: twoWay ? [key, back] : [key], queryRows: [start, end], queryTotal: qRows.count });
    if (twoWay) {
      const both =
        end > start
          ? await nearestRecordsBothWays(space, block, rRows, opts.signal, search)
          : { forward: emptyNeighbours(0), backward: emptyNeighbours(rRows.count) };
      // The reverse half names the block's rows: made whole-set indices.
      for (const a of [both.backward.i1, both.backward.i2]) for (let j = 0; j < a.length; j++) if (a[j] >= 0) a[j] += start;
      sections.push({ key, kind: 'forward', rows: [start, end], near: both.forward });
      sections.push({ key: back, kind: 'reverse', rows: [0, rRows.count], near: both.backward });
    } else {
      const near = end > start ? await nearestRecords(space, block, rRows, opts.signal, search) : emptyNeighbours(0);
      sections.push({ key, kind: 'forward', rows: [start, end], near });
    }
  }
  const input = async (path: string, t: Table) => ({ sha256: await fileSha256('evaluate --shard', path), rows: t.rowCount });
  const bytes = encodePartial(
    {
      format: EVAL_PARTIAL_FORMAT,
      note: EVAL_PARTIAL_NOTE,
      medsynthVersion: MEDSYNTH_VERSION,
      inputs: {
        real: await input(opts.real, real),
        synth: await input(opts.synth, synth),
        ...(opts.holdout !== undefined && holdout ? { holdout: await input(opts.holdout, holdout) } : {}),
      },
      space: spaceSha256(space),
      metrics: opts.metrics ? [...opts.metrics] : null,
      metricOptions: opts.metricOptions ?? null,
      shard: { index, count },
      passes,
    },
    sections,
  );
  await writeFileAtomic(resolve(opts.partial), bytes, opts.signal);
  return { partial: resolve(opts.partial), shard: opts.shard, passes, bytes: bytes.length, totalMs: performance.now() - started };
}

/** The SHA-256 of a table file (the report's sha256 of a one-file table). */
async function fileSha256(command: string, path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new MedSynthError('BAD_USAGE', `${command}: ${path} is not a table file`);
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** Checks the partials against each other and the merge's inputs and options; the merged passes by key. */
export async function mergePartials(
  files: readonly string[],
  expect: { real: string; synth: string; holdout?: string; metrics?: readonly string[]; metricOptions?: MetricOptions },
): Promise<{ header: EvalPartialHeader; passes: Map<string, NearestNeighbours> }> {
  if (files.length === 0) throw new MedSynthError('BAD_USAGE', 'evaluate --merge: no partial files given');
  const parts: { file: string; content: PartialContent }[] = [];
  for (const file of files) parts.push({ file, content: await readPartial(resolve(file)) });
  const first = parts[0].content.header;
  const badUsage = (why: string, expected?: string): MedSynthError =>
    new MedSynthError('BAD_USAGE', `evaluate --merge: ${why}`, expected !== undefined ? { expected } : {});
  for (const { file, content } of parts.slice(1)) {
    const h = content.header;
    const differs = (what: string, a: unknown, b: unknown): void => {
      if (canonical(a) !== canonical(b)) throw badUsage(`${file} has other ${what} than ${parts[0].file}`, canonical(a));
    };
    differs('inputs (sha256 of the real/synthetic/holdout tables)', first.inputs, h.inputs);
    differs('metrics', first.metrics, h.metrics);
    differs('metric options', first.metricOptions, h.metricOptions);
    differs('distance space', first.space, h.space);
    if (h.shard.count !== first.shard.count)
      throw badUsage(`${file} is a shard of ${h.shard.count}, ${parts[0].file} of ${first.shard.count}`);
    differs(
      'passes',
      first.passes.map((p) => [p.query, p.reference, p.keys, p.queryTotal]),
      h.passes.map((p) => [p.query, p.reference, p.keys, p.queryTotal]),
    );
  }
  const count = first.shard.count;
  const byIndex = new Map<number, { file: string; content: PartialContent }>();
  for (const part of parts) {
    const i = part.content.header.shard.index;
    const twice = byIndex.get(i);
    if (twice) throw badUsage(`shard ${i}/${count} is given twice (${twice.file} and ${part.file})`);
    byIndex.set(i, part);
  }
  const missing = [...Array(count).keys()].filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw badUsage(`shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing: every index 0..${count - 1} once`);
  // The merge's own inputs and options must be the ones the shards saw.
  const sha = {
    real: await fileSha256('evaluate --merge', expect.real),
    synth: await fileSha256('evaluate --merge', expect.synth),
    holdout: expect.holdout !== undefined ? await fileSha256('evaluate --merge', expect.holdout) : undefined,
  };
  for (const role of ['real', 'synth', 'holdout'] as const) {
    const recorded = first.inputs[role]?.sha256;
    if (recorded !== sha[role])
      throw badUsage(
        recorded === undefined
          ? `the partials were computed without a holdout, but --holdout is given`
          : sha[role] === undefined
            ? `the partials were computed with a holdout: give it with --holdout`
            : `--${role} ${expect[role]} is not the table the partials were computed on (sha256 differs)`,
      );
  }
  if (canonical(first.metrics) !== canonical(expect.metrics ? [...expect.metrics] : null))
    throw badUsage('the --metrics differ from the ones the partials were computed with', canonical(first.metrics));
  if (canonical(first.metricOptions) !== canonical(expect.metricOptions ?? null))
    throw badUsage('the metric options differ from the ones the partials were computed with', canonical(first.metricOptions));
  const passes = new Map<string, NearestNeighbours>();
  for (const [p, pass] of first.passes.entries()) {
    const [key, back] = pass.keys;
    const forward = emptyNeighbours(pass.queryTotal);
    const reverse = back !== undefined ? emptyNeighbours(first.inputs[pass.reference as 'real']?.rows ?? 0) : undefined;
    for (let i = 0; i < count; i++) {
      const { file, content } = byIndex.get(i) as { file: string; content: PartialContent };
      const [start, end] = blockBounds(pass.queryTotal, i, count);
      const got = content.header.passes[p].queryRows;
      const part = partialSection(content, 'forward', key);
      if (got[0] !== start || got[1] !== end || !part || part.i1.length !== end - start)
        throw badUsage(`${file}: pass ${key} holds rows [${got[0]}, ${got[1]}), not shard ${i}/${count}'s [${start}, ${end})`);
      forward.d1.set(part.d1, start);
      forward.d2.set(part.d2, start);
      forward.i1.set(part.i1, start);
      forward.i2.set(part.i2, start);
      if (reverse) {
        const half = partialSection(content, 'reverse', back);
        if (!half || half.i1.length !== reverse.i1.length) throw badUsage(`${file}: pass ${back} lacks its reverse section`);
        mergeNeighbours(reverse, half);
      }
    }
    passes.set(key, forward);
    if (reverse) passes.set(back, reverse);
  }
  return { header: first, passes };
}

/** evaluate --merge: the partials checked and merged, their passes seeded into the neighbour cache, then the usual evaluation. */
export async function evaluateMerged(opts: EvaluateOptions & { readonly partials: readonly string[] }): Promise<Report> {
  const paths = [opts.real, opts.synth, opts.holdout].map((p) => (p === undefined || typeof p === 'string' ? p : null));
  if (paths.includes(null)) throw new MedSynthError('BAD_USAGE', 'evaluate --merge reads its tables from files');
  const [real, synth, holdout] = paths as [string, string, string | undefined];
  const { header, passes } = await mergePartials(opts.partials, {
    real,
    synth,
    ...(holdout !== undefined ? { holdout } : {}),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.metricOptions ? { metricOptions: opts.metricOptions } : {}),
  });
  const release = seedNeighbours((space) => spaceSha256(space) === header.space, passes);
  try {
    return await evaluateSynthetic(opts);
  } finally {
    release();
  }
}
