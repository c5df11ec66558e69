// Writes a generated sample as a table file. Text formats are serialized in row chunks: one string for
// a million-row CSV would pass V8's maximum string length ("Invalid string length"). Each chunk is
// decoded with its global first row, so the bytes equal those of decoding the whole sample at once.
import { MedSynthError } from '../core/errors';
import { inferTableFormat } from '../core/data/format';
import { serializeTable } from '../core/data/tableWriter';
import { decodeTableSample } from '../core/generators/tableDecoding';
import type { TablePostprocess } from '../core/generators/manifest';
import { writeFileAtomic } from '../storage/atomic';
import { writeTableFile } from '../storage/tables';

/** Rows per serialized chunk: far below the string limit even for wide tables. */
export const OUTPUT_CHUNK_ROWS = 65_536;

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

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
  // Parquet is columnar and binary, with no string limit; small outputs need no chunking either.
  if (format === 'parquet' || rows <= chunkRows) {
    await writeTableFile(out, decodeTableSample(post, sample, rows, firstRow), signal);
    return;
  }
  // The header is what a table with no rows serializes to; later chunks drop exactly those bytes.
  const header = format === 'jsonl' ? new Uint8Array(0) : await serializeTable(decodeTableSample(post, new Float32Array(0), 0, firstRow), format, signal);
  const parts: Uint8Array[] = [];
  for (let a = 0; a < rows; a += chunkRows) {
    const b = Math.min(rows, a + chunkRows);
    const table = decodeTableSample(post, sample.subarray(a * features, b * features), b - a, firstRow + a);
    const bytes = await serializeTable(table, format, signal);
    if (a === 0 || header.length === 0) parts.push(bytes);
    else if (startsWith(bytes, header)) parts.push(bytes.subarray(header.length));
    else throw new MedSynthError('IO', 'internal: a chunk of the output did not start with the table header');
  }
  await writeFileAtomic(out, Buffer.concat(parts), signal);
}
