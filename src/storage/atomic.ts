// Atomic file output: bytes go to a temporary file in the destination's own folder (so the final
// rename never crosses file systems), are flushed to disk, and only then renamed over the
// destination. A failure or a cancel removes the temporary file, so a reader never sees a
// half-written report or table and a crash leaves at most a dot-file behind.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MedSynthError, isMedSynthError, throwIfAborted } from '../core/errors';

/** The temporary name used while `path` is being written: hidden, unique, in the same folder. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `bytes` to `path` atomically. An async iterable of chunks is streamed to the temporary file
 * (a multi-gigabyte table never sits in memory whole); a failure or abort part-way still removes it.
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array | string | AsyncIterable<Uint8Array>,
  signal?: AbortSignal,
): Promise<void> {
  throwIfAborted(signal);
  const folder = dirname(path);
  try {
    await mkdir(folder, { recursive: true });
  } catch (e) {
    throw ioError(`cannot create the folder ${folder}`, path, e);
  }
  const temp = temporaryPathFor(path);
  try {
    const handle = await open(temp, 'wx');
    try {
      if (typeof bytes === 'string' || bytes instanceof Uint8Array) {
        await handle.writeFile(bytes);
      } else {
        for await (const chunk of bytes) {
          throwIfAborted(signal);
          await writeAll(handle, chunk);
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    throwIfAborted(signal);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    if (isMedSynthError(e)) throw e;
    throw ioError('cannot write the file', path, e);
  }
}

/** One file of a folder output: a name inside the folder (no separators) and its bytes. */
export interface FolderItem {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * Refuses a folder output that would mix with or replace files already there: the folder must not
 * exist or be empty. Called before anything is sampled, so a refused run creates nothing.
 */
export async function checkFolderOutput(folder: string): Promise<void> {
  const st = await stat(folder).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory())
    throw new MedSynthError('BAD_USAGE', 'the output folder is a file', { file: folder, expected: 'a new or empty folder' });
  const entries = await readdir(folder).catch((e: unknown) => {
    throw ioError('cannot list the output folder', folder, e);
  });
  if (entries.length > 0)
    throw new MedSynthError('BAD_USAGE', `the output folder already holds ${entries.length} file(s)`, {
      file: folder,
      expected: 'a new or empty folder (MedSynth never overwrites files it did not write in this run)',
    });
}

/**
 * Writes a folder of files atomically: every file goes into a hidden temporary folder beside
 * `folder`, is flushed, and the temporary folder is renamed to `folder` at the end (an empty
 * `folder` is replaced). A failure or cancel part-way removes the temporary folder, so no partial
 * set of images is ever seen. Returns the number of files written.
 */
export async function writeFolderAtomic(folder: string, items: AsyncIterable<FolderItem>, signal?: AbortSignal): Promise<number> {
  throwIfAborted(signal);
  await checkFolderOutput(folder);
  const parent = dirname(folder);
  try {
    await mkdir(parent, { recursive: true });
  } catch (e) {
    throw ioError(`cannot create the folder ${parent}`, folder, e);
  }
  const temp = temporaryPathFor(folder);
  let count = 0;
  try {
    await mkdir(temp);
    const names = new Set<string>();
    for await (const item of items) {
      throwIfAborted(signal);
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(item.name) || names.has(item.name))
        throw new MedSynthError('BAD_USAGE', `bad or repeated output file name ${JSON.stringify(item.name)}`, { file: folder });
      names.add(item.name);
      const handle = await open(join(temp, item.name), 'wx');
      try {
        await writeAll(handle, item.bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      count++;
    }
    throwIfAborted(signal);
    // The folder was checked empty before sampling; it is removed only if it still is (rmdir fails otherwise).
    if (await stat(folder).catch(() => undefined)) await rmdir(folder);
    await rename(temp, folder);
    return count;
  } catch (e) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    if (isMedSynthError(e)) throw e;
    throw ioError('cannot write the output folder', folder, e);
  }
}

/** FileHandle.write may write fewer bytes than asked; loop until the chunk is out. */
async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let at = 0;
  while (at < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, at, chunk.length - at);
    at += bytesWritten;
  }
}

/** The SHA-256 of a file's bytes as lowercase hex, read as a stream. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  } catch (e) {
    throwIfAborted(signal);
    throw ioError('cannot read the file', path, e);
  }
  return hash.digest('hex');
}

/** Maps a Node file-system error to a MedSynthError: a missing path is the user's mistake (exit 2). */
export function ioError(what: string, path: string, e: unknown): MedSynthError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reason = e instanceof Error ? e.message : String(e);
  if (code === 'ENOENT') return new MedSynthError('BAD_USAGE', `${what}: no such file or folder`, { file: path }, { cause: e });
  if (code === 'EISDIR') return new MedSynthError('BAD_USAGE', `${what}: it is a folder, not a file`, { file: path }, { cause: e });
  return new MedSynthError('IO', `${what} (${code ?? reason})`, { file: path }, { cause: e });
}
