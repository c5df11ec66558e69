// The Parquet guard lets through a bit-packed run longer than its page when the run's bytes are there
// (DuckDB pads every level run to 256 values; test/unit/data/parquetDuckdb.test.ts reads such files),
// and still refuses the runs that would make hyparquet loop past the data: an over-long bit-packed run
// whose bytes are missing, and an over-long RLE run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { serializeTable } from '../../../src/core/data/table/tableWriter';
import { isMedSynthError } from '../../../src/core/errors';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Our writer's file for a 3-row OPTIONAL INT32 column with a missing value, and where its levels start. */
async function withLevels(): Promise<{ bytes: Uint8Array; levels: number }> {
  const bytes = await serializeTable(await parseTable(enc('a,b\n1,x\n,y\n3,x\n'), { format: 'csv' }), 'parquet');
  // The first page is a DATA_PAGE_V2 whose header ends with definition_levels_byte_length 2
  // (0x15 0x04), repetition_levels_byte_length 0 (0x15 0x00) and two STOP bytes; the levels follow.
  for (let i = 4; i + 6 <= bytes.length; i++) {
    if (
      bytes[i] === 0x15 &&
      bytes[i + 1] === 0x04 &&
      bytes[i + 2] === 0x15 &&
      bytes[i + 3] === 0 &&
      bytes[i + 4] === 0 &&
      bytes[i + 5] === 0
    )
      return { bytes, levels: i + 6 };
  }
  throw new Error('page header not found');
}

const refused = (e: unknown): boolean =>
  isMedSynthError(e) && e.code === 'BAD_INPUT' && /a run of 256 values in a page of 3/.test(e.message);

describe('Parquet runs longer than their page', () => {
  it('a bit-packed run of 256 levels whose 32 bytes are not in the page is refused', async () => {
    const { bytes, levels } = await withLevels();
    bytes[levels] = 0x41; // bit-packed, 32 groups of 8 values, 1 bit each: 32 bytes the page lacks
    await assert.rejects(parseTable(bytes, { format: 'parquet', fileName: 'p.parquet' }), refused);
  });

  it('an RLE run of 256 levels in a page of 3 is refused', async () => {
    const { bytes, levels } = await withLevels();
    bytes.set([0x80, 0x04], levels); // varint 512: an RLE run of 256 copies
    await assert.rejects(parseTable(bytes, { format: 'parquet', fileName: 'p.parquet' }), refused);
  });
});
