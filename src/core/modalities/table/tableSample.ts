// Writes a generated sample as a table file. Text formats are decoded and serialized in row chunks and
// streamed to the file (the data layer's serializeTableChunks): one string for a million-row CSV would
// pass V8's maximum string length ("Invalid string length"). Each chunk is decoded with its global
// first row, so the bytes equal those of decoding the whole sample at once.
import { MedSynthError } from '../core/errors';
import { inferTableFormat } from '../core/data/table/format';
import { serializeTableChunks } from '../core/data/table/tableWriter';
import { decodeTableSample } from '../core/generators/tableDecoding';
import type { TablePostprocess } from '../core/generators/manifest';
import { writeFileAtomic } from '../storage/atomic';
import { writeTableFile } from '../storage/tables';

/** Rows decoded at a time: bounds the decoded columns held in memory while writing. */
export const OUTPUT_CHUNK_ROWS = 65_536;
/** Rows decoded and formatted between two turns of the event loop while a sample streams in. */
const YIELD_ROWS = 4096;

/** A block of consecutive sample rows, row-major (`rows` × the manifest's features). */
export interface SampleBlock {
  readonly data: Float32Array;
  readonly rows: number;
}

/**
 * Hands sample blocks from the inference client's batch callback to the writer, in order. push/end/fail
 * are called from IPC events; the writer iterates and waits while the queue is empty. A failure is
 * raised at the writer's next step, so it stops without writing the blocks still queued.
 */
export class SampleQueue implements AsyncIterable<SampleBlock> {
  private readonly blocks: SampleBlock[] = [];
  private head = 0;
  private ended = false;
  private failure: { readonly error: unknown } | undefined;
  private wake: (() => void) | undefined;

  push(block: SampleBlock): void {
    this.blocks.push(block);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SampleBlock> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.head < this.blocks.length) {
        const block = this.blocks[this.head];
        // Drop the reference so a written block can be collected while later ones still arrive.
        this.blocks[this.head++] = { data: new Float32Array(0), rows: 0 };
        if (this.head > 1024) {
          this.blocks.splice(0, this.head);
          this.head = 0;
        }
        yield block;
      } else if (this.ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function concatBlocks(blocks: readonly SampleBlock[], rows: number, features: number): Float32Array {
  if (blocks.length === 1) return blocks[0].data;
  const out = new Float32Array(rows * features);
  let at = 0;
  for (const b of blocks) {
    out.set(b.data, at);
    at += b.data.length;
  }
  return out;
}

/**
 * Writes sample blocks as they arrive (decoding and formatting overlap sampling in the child), with
 * the same bytes as writing the assembled sample in one piece (test/unit/engine/wholeSampleWriter.ts): rows are decoded independently and only
 * the first block carries the header. Parquet, columnar and written whole, waits for every block.
 */
export async function writeSampleStream(
  out: string,
  post: TablePostprocess,
  blocks: AsyncIterable<SampleBlock>,
  firstRow: number,
  signal?: AbortSignal,
  chunkRows: number = OUTPUT_CHUNK_ROWS,
): Promise<void> {
  const format = inferTableFormat(out);
  if (!format) throw new MedSynthError('BAD_USAGE', `cannot tell the output format from '${out}' (use .csv, .tsv, .parquet or .jsonl)`);
  const features = post.features;
  if (format === 'parquet') {
    const all: SampleBlock[] = [];
    let rows = 0;
    for await (const b of blocks) {
      all.push(b);
      rows += b.rows;
    }
    await writeTableFile(out, decodeTableSample(post, concatBlocks(all, rows, features), rows, firstRow), signal);
    return;
  }
  const textFormat = format;
  let written = 0;
  // Decoding and formatting run in steps of a few thousand rows with a turn of the event loop between
  // them: the child's batches arrive over IPC, which this thread reads only between turns (a pipe read
  // at a time), and a writer that held the thread for a whole block would throttle them.
  const step = Math.min(chunkRows, YIELD_ROWS);
  async function* emit(data: Float32Array, rows: number): AsyncGenerator<Uint8Array> {
    for (let a = 0; a < rows || (a === 0 && written === 0); a += step) {
      const b = Math.min(rows, a + step);
      const table = decodeTableSample(post, data.subarray(a * features, b * features), b - a, firstRow + written + a);
      yield* serializeTableChunks(table, textFormat, { header: written === 0 && a === 0, signal });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    written += rows;
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    // Small batches are gathered up to chunkRows so per-block overheads stay amortized.
    let pending: SampleBlock[] = [];
    let pendingRows = 0;
    for await (const b of blocks) {
      pending.push(b);
      pendingRows += b.rows;
      if (pendingRows >= chunkRows) {
        yield* emit(concatBlocks(pending, pendingRows, features), pendingRows);
        pending = [];
        pendingRows = 0;
      }
    }
    // The remainder; an empty sample still writes its header line.
    if (pendingRows > 0 || written === 0) yield* emit(concatBlocks(pending, pendingRows, features), pendingRows);
  }
  await writeFileAtomic(out, chunks(), signal);
}
