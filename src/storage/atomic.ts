// Atomic file output: bytes go to a temporary file in the destination's own folder (so the final
// rename never crosses file systems), are flushed to disk, and only then renamed over the
// destination. A failure or a cancel removes the temporary file, so a reader never sees a
// half-written report or table and a crash leaves at most a dot-file behind.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename, rm } from 'node:fs/promises';
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
