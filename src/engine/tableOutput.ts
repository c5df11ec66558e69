// Writes a generated sample as a table file. Text formats are decoded and serialized in row chunks and
// streamed to the file (the data layer's serializeTableChunks): one string for a million-row CSV would
// pass V8's maximum string length ("Invalid string length"). Each chunk is decoded with its global
// first row, so the bytes equal those of decoding the whole sample at once.
import { MedSynthError } from '../core/errors';
import { inferTableFormat } from '../core/data/format';
import { serializeTableChunks } from '../core/data/tableWriter';
import { decodeTableSample } from '../core/generators/tableDecoding';
import type { TablePostprocess } from '../core/generators/manifest';
import { writeFileAtomic } from '../storage/atomic';
import { writeTableFile } from '../storage/tables';

/** Rows decoded at a time: bounds the decoded columns held in memory while writing. */
export const OUTPUT_CHUNK_ROWS = 65_536;

export async function writeSampleTable(
  out: string,
  post: TablePostprocess,
  sample: Float32Array,
  rows: number,
  features: number,
  firstRow: number,
  signal?: AbortSignal,
  chunkRows: number = OUTPUT_CHUNK_ROWS,
): Promise<void> {
  const format = inferTableFormat(out);
  if (!format) throw new MedSynthError('BAD_USAGE', `cannot tell the output format from '${out}' (use .csv, .tsv, .parquet or .jsonl)`);
  // Parquet is columnar and binary, written whole; small outputs need no chunking either.
  if (format === 'parquet' || rows <= chunkRows) {
    await writeTableFile(out, decodeTableSample(post, sample, rows, firstRow), signal);
    return;
  }
  const textFormat = format;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let a = 0; a < rows; a += chunkRows) {
      const b = Math.min(rows, a + chunkRows);
      const table = decodeTableSample(post, sample.subarray(a * features, b * features), b - a, firstRow + a);
      // Only the first block carries the header line; the rest continue the same table.
      yield* serializeTableChunks(table, textFormat, { header: a === 0, signal });
    }
  }
  await writeFileAtomic(out, chunks(), signal);
}
