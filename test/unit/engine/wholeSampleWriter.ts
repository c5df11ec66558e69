// The reference the streamed writer (src/engine/sampleOutput.ts, writeSampleStream) is compared with:
// a whole sample, already assembled in memory, written by decoding it in row chunks. It uses the same
// data-layer decoders and serializers but none of the streaming machinery.
import { MedSynthError } from '../../../src/core/errors';
import { inferTableFormat } from '../../../src/core/data/table/format';
import { serializeTableChunks } from '../../../src/core/data/table/tableWriter';
import { decodeTableSample } from '../../../src/core/generators/tableDecoding';
import type { TablePostprocess } from '../../../src/core/generators/manifest';
import { OUTPUT_CHUNK_ROWS } from '../../../src/core/modalities/table/tableSample';
import { writeFileAtomic } from '../../../src/storage/atomic';
import { writeTableFile } from '../../../src/storage/tables';

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
