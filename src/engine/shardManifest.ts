// The shard manifest (schema medsynth.shard/1): what `generate --shard` wrote, beside its output, so
// `medsynth merge` can check that its inputs are the parts of one run (same generator, seed, n and
// count; every index once) and that no part was changed since. A file output gets `<out>.shard.json`;
// a folder output gets `shard.json` inside it (left out of the folder's file list and of the merge).
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createHash } from 'node:crypto';
import { badInput, MedSynthError } from '../core/errors';
import { ioError, sha256File, writeFileAtomic } from '../storage/atomic';
import type { GenerateResult } from './generate';

export const SHARD_SCHEMA = 'medsynth.shard/1';
/** The manifest's name inside a folder output. */
export const FOLDER_SHARD_FILE = 'shard.json';
/** The suffix of a file output's manifest. */
export const FILE_SHARD_SUFFIX = '.shard.json';

export interface ShardFileEntry {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ShardManifest {
  readonly schema: typeof SHARD_SCHEMA;
  readonly generator: { readonly name: string; readonly family: string; readonly manifestSha256: string; readonly modelSha256: string };
  readonly seed: number;
  readonly n: number;
  readonly index: number;
  readonly count: number;
  readonly firstRow: number;
  readonly rows: number;
  readonly output: {
    readonly kind: 'file' | 'folder';
    /** The output's base name when it was written (a file's extension names its format). */
    readonly name: string;
    /** Folder outputs: the item format (png, dcm, ...). */
    readonly format?: string;
    /** A file: the SHA-256 of its bytes. A folder: the SHA-256 of its listing, `<sha256>  <name>\n` per file in name order. */
    readonly sha256: string;
    readonly bytes?: number;
    /** Folder outputs: every file but shard.json, in name order. */
    readonly files?: readonly ShardFileEntry[];
  };
}

/** Where the manifest of the shard output `out` lives. */
export function shardManifestPath(out: string, kind: 'file' | 'folder'): string {
  return kind === 'folder' ? join(out, FOLDER_SHARD_FILE) : `${out}${FILE_SHARD_SUFFIX}`;
}

/** The SHA-256 that stands for a folder: over its listing, as `sha256sum` prints it, in name order. */
export function folderListingSha256(files: readonly ShardFileEntry[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) hash.update(`${f.sha256}  ${f.name}\n`);
  return hash.digest('hex');
}

/** The files of a folder output (but its shard manifest), each with its size and SHA-256, in name order. */
export async function listFolderFiles(folder: string, signal?: AbortSignal): Promise<ShardFileEntry[]> {
  const names = (
    await readdir(folder).catch((e: unknown) => {
      throw ioError('cannot list the folder', folder, e);
    })
  )
    .filter((n) => n !== FOLDER_SHARD_FILE)
    .sort();
  const out: ShardFileEntry[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const st = await stat(path);
    if (!st.isFile()) throw badInput(`${name} in a shard output folder is not a plain file`, { file: folder });
    out.push({ name, bytes: st.size, sha256: await sha256File(path, signal) });
  }
  return out;
}

/** Builds the manifest of a finished `generate --shard` run from its result and its output on disk. */
export async function shardManifestFor(res: GenerateResult, signal?: AbortSignal): Promise<ShardManifest> {
  if (!res.shard) throw new MedSynthError('BAD_USAGE', 'a shard manifest is written for generate --shard runs only');
  const common = {
    schema: SHARD_SCHEMA,
    generator: {
      name: res.generator.name,
      family: res.generator.family,
      manifestSha256: res.generator.manifestSha256,
      modelSha256: res.generator.modelSha256,
    },
    seed: res.seed,
    n: res.n,
    index: res.shard.index,
    count: res.shard.count,
    firstRow: res.firstRow,
    rows: res.rows,
  } as const;
  if (res.files !== undefined) {
    const files = await listFolderFiles(res.out, signal);
    return {
      ...common,
      output: { kind: 'folder', name: basename(res.out), format: res.format, sha256: folderListingSha256(files), files },
    };
  }
  const st = await stat(res.out);
  return { ...common, output: { kind: 'file', name: basename(res.out), sha256: await sha256File(res.out, signal), bytes: st.size } };
}

/** Writes the shard manifest beside (or into) the output of a `generate --shard` run; returns its path. */
export async function writeShardManifest(res: GenerateResult, signal?: AbortSignal): Promise<string> {
  const manifest = await shardManifestFor(res, signal);
  const path = shardManifestPath(res.out, manifest.output.kind);
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`, signal);
  return path;
}

export interface ReadShard {
  /** The shard output as named (a file or a folder). */
  readonly output: string;
  readonly manifestPath: string;
  readonly manifest: ShardManifest;
}

const HEX64 = /^[0-9a-f]{64}$/;

function isCount(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
}

/** Reads and checks the shard manifest of a shard output (a file or folder `generate --shard` wrote). */
export async function readShardManifest(output: string): Promise<ReadShard> {
  const st = await stat(output).catch((e: unknown) => {
    throw ioError('cannot read the shard output', output, e);
  });
  const kind = st.isDirectory() ? 'folder' : 'file';
  const manifestPath = shardManifestPath(output, kind);
  const text = await readFile(manifestPath, 'utf8').catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw badInput(`no shard manifest ${basename(manifestPath)} ${kind === 'folder' ? 'in' : 'beside'} it`, {
        file: output,
        expected: 'the output of medsynth generate --shard i/k (or --shard auto), which writes one',
      });
    throw ioError('cannot read the shard manifest', manifestPath, e);
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badInput('the shard manifest is not JSON', { file: manifestPath });
  }
  return { output, manifestPath, manifest: checkShardManifest(raw, manifestPath, kind) };
}

function checkShardManifest(raw: unknown, file: string, kind: 'file' | 'folder'): ShardManifest {
  const bad = (what: string): MedSynthError => badInput(`the shard manifest ${what}`, { file });
  if (typeof raw !== 'object' || raw === null) throw bad('is not a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.schema !== SHARD_SCHEMA) throw bad(`has schema ${JSON.stringify(m.schema)}, not ${SHARD_SCHEMA}`);
  const g = m.generator as Record<string, unknown> | undefined;
  if (typeof g !== 'object' || g === null || typeof g.name !== 'string' || typeof g.family !== 'string') throw bad('has no generator');
  if (
    typeof g.manifestSha256 !== 'string' ||
    !HEX64.test(g.manifestSha256) ||
    typeof g.modelSha256 !== 'string' ||
    !HEX64.test(g.modelSha256)
  )
    throw bad('has no generator manifestSha256/modelSha256 (64 hex digits)');
  for (const [key, min] of [
    ['seed', 0],
    ['n', 1],
    ['index', 0],
    ['count', 1],
    ['firstRow', 0],
    ['rows', 0],
  ] as const)
    if (!isCount(m[key], min)) throw bad(`has no ${key} (a whole number of at least ${min})`);
  if ((m.index as number) >= (m.count as number)) throw bad(`has index ${String(m.index)} not below count ${String(m.count)}`);
  const o = m.output as Record<string, unknown> | undefined;
  if (typeof o !== 'object' || o === null || typeof o.name !== 'string' || typeof o.sha256 !== 'string' || !HEX64.test(o.sha256))
    throw bad('has no output name and sha256');
  if (o.kind !== kind) throw bad(`describes a ${String(o.kind)} output, but the shard output is a ${kind}`);
  if (kind === 'folder') {
    if (!Array.isArray(o.files)) throw bad('lists no files for a folder output');
    for (const f of o.files as unknown[]) {
      const e = f as Record<string, unknown>;
      if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || !isCount(e.bytes, 0) || typeof e.sha256 !== 'string')
        throw bad('has a file entry without name, bytes and sha256');
    }
  }
  return raw as ShardManifest;
}
