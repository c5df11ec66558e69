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
  /**
   * Called (in a microtask) after each chunk once `needed` is known, with the result buffer and how
   * many of its bytes are in (they never change afterwards); not after the result is settled. The buffer may be replaced by a larger one (never
   * for a real deflate stream). What it throws ends the gunzip, so it should catch its own errors.
   */
  readonly onProgress?: (data: Uint8Array, filled: number) => void;
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

/** Output chunk size: large enough that a volume takes few round trips through the thread pool, small enough that a bomb's overshoot past the cap stays small. */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Deflate expands at most about 1032:1, so a stream of n bytes cannot give more than this many: the
 * result buffer starts at min(needed, this), so a header that declares far more than its stream holds
 * makes us allocate what the stream can hold, not what the header claims (it grows, capped at needed,
 * if ever it must).
 */
function mostInflatedBytes(compressed: number): number {
  return compressed * 1032 + CHUNK_BYTES;
}

/**
 * The first `needed(head)` decompressed bytes of a gzip file (fewer only if the stream ends first).
 * Once `needed` is known (it is at most maxBytes), ONE buffer of that size is allocated and every
 * chunk is copied straight to its place in it: no list of chunks, no joining copy at the end.
 */
export function boundedGunzip(bytes: Uint8Array, opts: BoundedGunzipOptions): Promise<Uint8Array> {
  throwIfAborted(opts.signal);
  return new Promise<Uint8Array>((resolve, reject) => {
    const gz = createGunzip({ chunkSize: CHUNK_BYTES });
    /** Chunks that arrived before `needed` was known (the probe). */
    let chunks: Uint8Array[] = [];
    let total = 0;
    let needed: number | undefined;
    /** The result, allocated once `needed` is known; `filled` of its bytes are in. */
    let out: Uint8Array | undefined;
    let filled = 0;
    let settled = false;

    const finish = (err: unknown, value?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      gz.removeAllListeners('data');
      gz.on('error', () => undefined); // errors after we stopped listening are not ours to report
      gz.destroy();
      if (err !== undefined)
        reject(
          err instanceof MedSynthError ? err : badInput(`the gzip stream cannot be inflated (${String(err)})`, { file: opts.fileName }),
        );
      else resolve(value ?? new Uint8Array(0));
    };
    const append = (chunk: Uint8Array): void => {
      const want = needed as number;
      let target = out as Uint8Array;
      const take = Math.min(chunk.length, want - filled);
      if (take <= 0) return;
      if (filled + take > target.length) {
        // Never for a real deflate stream (see mostInflatedBytes); kept so correctness does not rest on it.
        const grown = new Uint8Array(Math.min(want, Math.max(filled + take, 2 * target.length)));
        grown.set(target.subarray(0, filled));
        out = target = grown;
      }
      target.set(take === chunk.length ? chunk : chunk.subarray(0, take), filled);
      filled += take;
    };
    /** Resolves once the needed bytes are in: at once when more arrive (the rest is never inflated), at the end otherwise. */
    const decide = (final: boolean): boolean => {
      if (needed === undefined) {
        needed = opts.needed(concat(chunks, total, opts.probeBytes));
        if (needed > opts.maxBytes)
          throw decodeLimitError('maxDecompressedBytes', opts.maxBytes, needed, 'decompressed bytes', opts.fileName);
        // needed <= maxBytes: the only allocation sized by the file, capped by the limit and by what the stream can hold.
        out = new Uint8Array(Math.max(0, Math.min(needed, mostInflatedBytes(bytes.length))));
        for (const c of chunks) append(c);
        chunks = [];
      }
      if (total > needed || final) {
        const target = out as Uint8Array;
        finish(undefined, filled === target.length ? target : target.subarray(0, filled));
        return true;
      }
      return false;
    };

    gz.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        throwIfAborted(opts.signal);
        const view = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
        total += chunk.length;
        if (total > opts.maxBytes)
          throw decodeLimitError('maxDecompressedBytes', opts.maxBytes, Number.POSITIVE_INFINITY, 'decompressed bytes', opts.fileName);
        if (out) append(view);
        else chunks.push(view);
        if ((needed !== undefined || total >= opts.probeBytes) && decide(false)) return;
        const progress = opts.onProgress;
        if (out && progress) {
          // After this handler returns, node:zlib hands the next chunk to the thread pool; a
          // microtask runs then, so the caller's work overlaps the inflation of that chunk.
          const data = out;
          const upTo = filled;
          queueMicrotask(() => {
            if (settled) return;
            try {
              progress(data, upTo);
            } catch (e) {
              finish(e);
            }
          });
        }
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
      finish(
        badInput(`the gzip stream is damaged after ${total} decompressed bytes (${e.message})`, {
          file: opts.fileName,
          expected: 'a complete gzip stream',
        }),
      );
    });
    gz.end(bytes);
  });
}
