// `medsynth merge`: the parts `generate --shard` wrote, put back together into the single run's
// output, byte for byte. The shard manifests are checked first (one generator, seed, n and count;
// every index exactly once; each part's rows where shardRange puts them; each part's bytes those its
// manifest recorded), then the parts are concatenated: delimited tables with the header once and
// rows in index order, JSON Lines as they are, folders of per-sample files copied into one folder
// (a per-part .csv such as labels.csv concatenated like a table). Written atomically.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { badInput, MedSynthError, throwIfAborted } from '../core/errors';
import { inferTableFormat } from '../core/data/table/format';
import type { FolderItem } from '../storage/atomic';
import { ioError, sha256File, writeFileAtomic, writeFolderAtomic } from '../storage/atomic';
import { shardRange } from './generate';
import { isInsideOrSame } from './fit';
import { folderListingSha256, listFolderFiles, readShardManifest } from './shardManifest';
import type { ReadShard, ShardManifest } from './shardManifest';

export interface MergeOptions {
  /** The shard outputs (files or folders), in any order. */
  readonly inputs: readonly string[];
  readonly out: string;
  readonly signal?: AbortSignal;
}

export interface MergeResult {
  readonly out: string;
  readonly kind: 'file' | 'folder';
  readonly shards: number;
  readonly rows: number;
  readonly n: number;
  readonly seed: number;
  readonly generator: ShardManifest['generator'];
  /** Folder outputs: the files written. */
  readonly files?: number;
  readonly totalMs: number;
}

/**
 * Checks that `inputs` are every part of one sharded run and returns them in index order; BAD_INPUT
 * naming the part and the field that differs, the index given twice, or the indices missing.
 */
export async function checkShards(inputs: readonly string[], signal?: AbortSignal): Promise<ReadShard[]> {
  if (inputs.length === 0) throw new MedSynthError('BAD_USAGE', 'merge: name the shard outputs to merge');
  const shards: ReadShard[] = [];
  for (const input of inputs) {
    throwIfAborted(signal);
    shards.push(await readShardManifest(input));
  }
  const first = shards[0];
  const f = first.manifest;
  for (const s of shards.slice(1)) {
    const m = s.manifest;
    const differs: [string, unknown, unknown][] = [
      ['generator manifest sha256', m.generator.manifestSha256, f.generator.manifestSha256],
      ['generator model sha256', m.generator.modelSha256, f.generator.modelSha256],
      ['seed', m.seed, f.seed],
      ['n', m.n, f.n],
      ['shard count', m.count, f.count],
      ['output kind', m.output.kind, f.output.kind],
      ['output format', formatOf(m), formatOf(f)],
    ];
    for (const [what, a, b] of differs)
      if (a !== b)
        throw badInput(`is not a part of the same run as ${first.output}: its ${what} is ${String(a)}, not ${String(b)}`, {
          file: s.output,
        });
  }
  const byIndex = new Map<number, ReadShard>();
  for (const s of shards) {
    const other = byIndex.get(s.manifest.index);
    if (other) throw badInput(`is shard ${s.manifest.index} of ${f.count} again (also ${other.output})`, { file: s.output });
    byIndex.set(s.manifest.index, s);
  }
  const missing = Array.from({ length: f.count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw badInput(
      `merge: ${missing.length} of the ${f.count} shards are missing (index ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''})`,
      { expected: `every index 0..${f.count - 1} once` },
    );
  const ordered = Array.from({ length: f.count }, (_, i) => byIndex.get(i) as ReadShard);
  for (const s of ordered) {
    const want = shardRange(f.n, { index: s.manifest.index, count: f.count });
    if (s.manifest.firstRow !== want.firstRow || s.manifest.rows !== want.rows)
      throw badInput(
        `shard ${s.manifest.index}/${f.count} records rows ${s.manifest.firstRow}+${s.manifest.rows}, but of n = ${f.n} it is rows ${want.firstRow}+${want.rows}`,
        { file: s.manifestPath },
      );
    await checkPartBytes(s, signal);
  }
  return ordered;
}

function formatOf(m: ShardManifest): string {
  return m.output.kind === 'folder' ? (m.output.format ?? '') : extname(m.output.name).toLowerCase();
}

/** A part whose bytes are not those its manifest recorded was changed, truncated or swapped: refused. */
async function checkPartBytes(s: ReadShard, signal?: AbortSignal): Promise<void> {
  const o = s.manifest.output;
  if (o.kind === 'file') {
    if ((await sha256File(s.output, signal)) !== o.sha256)
      throw badInput('has changed since generate wrote it: its sha256 is not the one its shard manifest records', { file: s.output });
    return;
  }
  const files = await listFolderFiles(s.output, signal);
  const listed = new Map((o.files ?? []).map((e) => [e.name, e]));
  for (const e of files) {
    const want = listed.get(e.name);
    if (!want) throw badInput(`holds ${e.name}, which its shard manifest does not list`, { file: s.output });
    if (want.sha256 !== e.sha256 || want.bytes !== e.bytes)
      throw badInput(`${e.name} has changed since generate wrote it (sha256 differs from the shard manifest)`, { file: s.output });
    listed.delete(e.name);
  }
  if (listed.size > 0)
    throw badInput(`lacks ${[...listed.keys()].slice(0, 5).join(', ')}, listed in its shard manifest`, { file: s.output });
  if (folderListingSha256(files) !== o.sha256)
    throw badInput('its file listing does not match the sha256 of its shard manifest', { file: s.output });
}

/** Merges the shard outputs into `out`; see the file comment. */
export async function mergeShards(opts: MergeOptions): Promise<MergeResult> {
  const started = performance.now();
  const out = resolve(opts.out);
  for (const input of opts.inputs) {
    const abs = resolve(input);
    if (out === abs || isInsideOrSame(out, abs) || out === resolve(`${abs}.shard.json`))
      throw new MedSynthError('BAD_USAGE', `merge: --out ${opts.out} would overwrite the input ${input}; inputs are never overwritten`);
  }
  const shards = await checkShards(opts.inputs, opts.signal);
  const m = shards[0].manifest;
  let files: number | undefined;
  if (m.output.kind === 'folder') {
    if (extname(out) !== '' && inferTableFormat(out) !== undefined)
      throw new MedSynthError(
        'BAD_USAGE',
        `merge: the shards are folders of ${m.output.format ?? ''} files; --out must be a folder, not ${opts.out}`,
      );
    files = await writeFolderAtomic(out, folderItems(shards, opts.signal), opts.signal);
  } else {
    const format = inferTableFormat(m.output.name);
    if (format !== 'csv' && format !== 'tsv' && format !== 'jsonl')
      throw new MedSynthError(
        'UNSUPPORTED',
        `merge: ${extname(m.output.name) || m.output.name} parts cannot be merged yet (CSV, TSV and JSON Lines tables and folders of images can); generate CSV shards and convert the merged file`,
        { file: shards[0].output },
      );
    if (extname(out).toLowerCase() !== extname(m.output.name).toLowerCase())
      throw new MedSynthError('BAD_USAGE', `merge: the shards are ${extname(m.output.name)} files; --out must be one too, not ${opts.out}`);
    await writeFileAtomic(out, tableBytes(shards, format !== 'jsonl', opts.signal), opts.signal);
  }
  return {
    out,
    kind: m.output.kind,
    shards: shards.length,
    rows: shards.reduce((a, s) => a + s.manifest.rows, 0),
    n: m.n,
    seed: m.seed,
    generator: m.generator,
    ...(files !== undefined ? { files } : {}),
    totalMs: performance.now() - started,
  };
}

/** The bytes of the merged table: every part in index order, the header line of all but the first left out. */
async function* tableBytes(shards: readonly ReadShard[], header: boolean, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  let firstHeader: Uint8Array | undefined;
  for (const [k, s] of shards.entries()) {
    const chunks = readChunks(s.output, signal);
    if (!header) {
      yield* chunks;
      continue;
    }
    const { head, rest } = await splitHeader(chunks, s.output);
    if (k === 0) {
      firstHeader = head;
      yield head;
    } else if (!sameBytes(head, firstHeader as Uint8Array)) {
      throw badInput(`its header line differs from that of ${shards[0].output}`, { file: s.output });
    }
    yield* rest;
  }
}

async function* readChunks(path: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { signal, highWaterMark: 1 << 20 })) yield chunk as Buffer;
  } catch (e) {
    throwIfAborted(signal);
    throw ioError('cannot read the shard', path, e);
  }
}

/** Splits a delimited table's stream after its header line: the first LF outside double quotes. */
async function splitHeader(
  chunks: AsyncGenerator<Uint8Array>,
  file: string,
): Promise<{ readonly head: Uint8Array; readonly rest: AsyncGenerator<Uint8Array> }> {
  const parts: Uint8Array[] = [];
  let quoted = false;
  for (;;) {
    const next = await chunks.next();
    if (next.done) throw badInput('has no header line', { file });
    const chunk = next.value;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 0x22) quoted = !quoted;
      else if (chunk[i] === 0x0a && !quoted) {
        parts.push(chunk.subarray(0, i + 1));
        const tail = chunk.subarray(i + 1);
        const rest = (async function* (): AsyncGenerator<Uint8Array> {
          if (tail.length > 0) yield tail;
          yield* chunks;
        })();
        return { head: Buffer.concat(parts), rest };
      }
    }
    parts.push(chunk);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/**
 * The merged folder's files: each part's files (named by global index, so no two parts share a name);
 * a .csv every part has (labels.csv of a conditional run) becomes one table, header once, in index order.
 */
async function* folderItems(shards: readonly ReadShard[], signal?: AbortSignal): AsyncGenerator<FolderItem> {
  const owner = new Map<string, number>();
  for (const [k, s] of shards.entries())
    for (const e of s.manifest.output.files ?? []) {
      const had = owner.get(e.name);
      if (had !== undefined && !e.name.toLowerCase().endsWith('.csv'))
        throw badInput(`${e.name} is in two shard outputs (also ${shards[had].output})`, { file: s.output });
      owner.set(e.name, had === undefined ? k : -1);
    }
  const tables = [...owner].filter(([, k]) => k === -1).map(([name]) => name);
  for (const table of tables) {
    const without = shards.filter((s) => !(s.manifest.output.files ?? []).some((e) => e.name === table));
    if (without.length > 0) throw badInput(`lacks ${table}, which other shards have`, { file: without[0].output });
  }
  for (const s of shards)
    for (const e of s.manifest.output.files ?? []) {
      throwIfAborted(signal);
      if (owner.get(e.name) === -1) continue;
      yield { name: e.name, bytes: await readFile(join(s.output, e.name)) };
    }
  for (const table of tables) {
    const chunks: Uint8Array[] = [];
    for await (const c of tableBytes(
      shards.map((s) => ({ ...s, output: join(s.output, table) })),
      true,
      signal,
    ))
      chunks.push(c);
    yield { name: table, bytes: Buffer.concat(chunks) };
  }
}
