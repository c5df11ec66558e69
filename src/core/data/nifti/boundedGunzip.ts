// Gunzip that never holds more than it needs: a .nii.gz says in its first bytes how many bytes the
// image takes, so the stream is stopped as soon as more than that has arrived (trailing bytes of a
// bomb are never inflated, nor checked) and refused as soon as it passes maxDecompressedBytes. node:zlib's streaming
// gunzip handles multi-member files (concatenated gzip streams) like gzip(1) does.

import { createGunzip } from 'node:zlib';
import { MedSynthError, badInput, throwIfAborted } from '../../errors';
import { decodeLimitError } from '../decodeLimits';

/** Given the first `probeBytes` (or all, if the stream is shorter), how many bytes are needed in all. */
export type NeededBytes = (head: Uint8Array) => number;

export interface BoundedGunzipOptions {
  /** The decode cap (maxDecompressedBytes). */
  readonly maxBytes: number;
  /** Bytes to collect before `needed` is asked. */
  readonly probeBytes: number;
  /** May throw (a bad header); the result is the total the caller will use, at most maxBytes. */
  readonly needed: NeededBytes;
  readonly fileName?: string;
  readonly signal?: AbortSignal;
}

export const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

function concat(chunks: readonly Uint8Array[], total: number, length: number): Uint8Array {
  const out = new Uint8Array(Math.min(total, length));
  let at = 0;
  for (const c of chunks) {
    if (at >= out.length) break;
    const part = c.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The first `needed(head)` decompressed bytes of a gzip file (fewer only if the stream ends first). */
export function boundedGunzip(bytes: Uint8Array, opts: BoundedGunzipOptions): Promise<Uint8Array> {
  throwIfAborted(opts.signal);
  return new Promise<Uint8Array>((resolve, reject) => {
    const gz = createGunzip({ chunkSize: 64 * 1024 });
    const chunks: Uint8Array[] = [];
    let total = 0;
    let needed: number | undefined;
    let settled = false;

    const finish = (err: unknown, value?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      gz.removeAllListeners('data');
      gz.on('error', () => undefined); // errors after we stopped listening are not ours to report
      gz.destroy();
      if (err !== undefined) reject(err instanceof MedSynthError ? err : badInput(`the gzip stream cannot be inflated (${String(err)})`, { file: opts.fileName }));
      else resolve(value ?? new Uint8Array(0));
    };
    /** Resolves once the needed bytes are in: at once when more arrive (the rest is never inflated), at the end otherwise. */
    const decide = (final: boolean): boolean => {
      if (needed === undefined) {
        needed = opts.needed(concat(chunks, total, opts.probeBytes));
        if (needed > opts.maxBytes) throw decodeLimitError('maxDecompressedBytes', opts.maxBytes, needed, 'decompressed bytes', opts.fileName);
      }
      if (total > needed || final) {
        finish(undefined, concat(chunks, total, needed));
        return true;
      }
      return false;
    };

    gz.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        throwIfAborted(opts.signal);
        chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        total += chunk.length;
        if (total > opts.maxBytes) throw decodeLimitError('maxDecompressedBytes', opts.maxBytes, Number.POSITIVE_INFINITY, 'decompressed bytes', opts.fileName);
        if (needed !== undefined || total >= opts.probeBytes) decide(false);
      } catch (e) {
        finish(e);
      }
    });
    gz.on('end', () => {
      if (settled) return;
      try {
        decide(true);
      } catch (e) {
        finish(e);
      }
    });
    // A stream that is exactly as long as needed is read to its end, so its CRC and length are
    // checked; damage there (or a truncated stream) is BAD_INPUT even if the voxels all arrived.
    gz.on('error', (e: Error) => {
      finish(badInput(`the gzip stream is damaged after ${total} decompressed bytes (${e.message})`, { file: opts.fileName, expected: 'a complete gzip stream' }));
    });
    gz.end(bytes);
  });
}
