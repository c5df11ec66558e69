// Turns a generated table sample into the bytes of its output file. Text formats are decoded and
// serialized in row chunks (the data layer's serializeTableChunks): one string for a million-row CSV
// would pass V8's maximum string length ("Invalid string length"). Each chunk is decoded with its
// global first row, so the bytes equal those of decoding the whole sample at once. Pure: the engine
// writes the chunks atomically (src/engine/sampleOutput.ts).
import { MedSynthError } from '../../errors';
import { inferTableFormat } from '../../data/table/format';
import { serializeTableChunks } from '../../data/table/tableWriter';
import { decodeTableSample } from '../../generators/tableDecoding';
import type { TablePostprocess } from '../../generators/manifest';
import type { SampleBlock } from '../modality';

/** Rows decoded at a time: bounds the decoded columns held in memory while writing. */
export const OUTPUT_CHUNK_ROWS = 65_536;
/** Rows decoded and formatted between two turns of the event loop while a sample streams in. */
const YIELD_ROWS = 4096;

/** The advertised table output extensions, for messages. */
export const TABLE_OUTPUT_USAGE = '.csv, .tsv, .parquet or .jsonl';

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
 * The output file's bytes, chunk by chunk, as sample blocks arrive (decoding and formatting overlap
 * sampling in the child), equal to writing the assembled sample in one piece
 * (test/unit/engine/wholeSampleWriter.ts): rows are decoded independently and only the first block
 * carries the header. Parquet, columnar and written whole, waits for every block.
 */
export async function* encodeTableSample(
  out: string,
  post: TablePostprocess,
  blocks: AsyncIterable<SampleBlock>,
  firstRow: number,
  signal?: AbortSignal,
  chunkRows: number = OUTPUT_CHUNK_ROWS,
): AsyncGenerator<Uint8Array> {
  const format = inferTableFormat(out);
  if (!format) throw new MedSynthError('BAD_USAGE', `cannot tell the output format from '${out}' (use ${TABLE_OUTPUT_USAGE})`);
  const features = post.features;
  if (format === 'parquet') {
    const all: SampleBlock[] = [];
    let rows = 0;
    for await (const b of blocks) {
      all.push(b);
      rows += b.rows;
    }
    yield* serializeTableChunks(decodeTableSample(post, concatBlocks(all, rows, features), rows, firstRow), format, { signal });
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
