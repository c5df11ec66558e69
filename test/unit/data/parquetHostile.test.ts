// Corrupt Parquet files built by patching a valid one at known places: a forged run-length header
// that would make hyparquet's level decoder loop a billion times, a page that claims more bytes than
// its column chunk, a truncated file and a declared row count beyond maxRows. Each must end in a
// typed error within a second, never a hang, a plain Error or an unhandled rejection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseTable } from '../../../src/core/data/table/tableReader';
import { serializeTable } from '../../../src/core/data/table/tableWriter';
import { isMedSynthError } from '../../../src/core/errors';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const leaked: unknown[] = [];
const onLeak = (e: unknown): void => {
  leaked.push(e);
};

/** A small valid file: column a is OPTIONAL INT32 with a missing value, so it has definition levels. */
async function validParquet(): Promise<Uint8Array> {
  return serializeTable(await parseTable(enc('a,b\n1,x\n,y\n3,x\n'), { format: 'csv' }), 'parquet');
}

/** The offset of the first occurrence of `pattern` at or after `from`. */
function find(bytes: Uint8Array, pattern: readonly number[], from = 0): number {
  outer: for (let i = from; i + pattern.length <= bytes.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (bytes[i + k] !== pattern[k]) continue outer;
    return i;
  }
  throw new Error(`pattern ${pattern.join(',')} not found`);
}

async function rejectsTyped(bytes: Uint8Array, code: string, pattern: RegExp, opts: { maxRows?: number } = {}): Promise<void> {
  const started = performance.now();
  await assert.rejects(parseTable(bytes, { format: 'parquet', fileName: 'hostile.parquet', ...opts }), (e: unknown) => {
    assert.ok(isMedSynthError(e), `not a MedSynthError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, /hostile\.parquet/);
    assert.match(e.message, pattern);
    return true;
  });
  assert.ok(performance.now() - started < 1000, 'took more than a second');
}

describe('hostile Parquet', () => {
  before(() => process.on('unhandledRejection', onLeak));
  after(() => process.off('unhandledRejection', onLeak));

  it('the unpatched file reads (the patches below are what breaks it)', async () => {
    const t = await parseTable(await validParquet(), { format: 'parquet' });
    assert.equal(t.rowCount, 3);
  });

  it('a forged run of 2^30 definition levels is refused before hyparquet decodes it', async () => {
    const bytes = await validParquet();
    // The first page header (after 'PAR1') is a DATA_PAGE_V2 whose thrift ends with
    // definition_levels_byte_length 2 (0x15 0x04), repetition_levels_byte_length 0 (0x15 0x00) and
    // two STOP bytes; the definition levels follow. Overwrite them with an RLE run header whose
    // varint reads 2^31 - 2: an RLE run (even) of 2^30 - 1 copies of the next byte.
    const levels = find(bytes, [0x15, 0x04, 0x15, 0x00, 0x00, 0x00], 4) + 6;
    bytes.set([0xfe, 0xff, 0xff, 0xff, 0x07], levels);
    await rejectsTyped(bytes, 'BAD_INPUT', /corrupt Parquet file \(a run of \d+ values in a page of 3\)/);
  });

  it('a page claiming more bytes than its column chunk is refused', async () => {
    const bytes = await validParquet();
    // Page header fields 2 and 3 (i32, zigzag varints): uncompressed 10 -> 0x14, compressed 12 -> 0x18.
    const at = find(bytes, [0x15, 0x14, 0x15, 0x18], 4);
    bytes[at + 3] = 0x7e; // compressed_page_size 63: past the 33-byte chunk.
    await rejectsTyped(bytes, 'BAD_INPUT', /a page claims 63 bytes/);
  });

  it('a truncated file and a cut footer are BAD_INPUT naming the file', async () => {
    const bytes = await validParquet();
    await rejectsTyped(bytes.subarray(0, bytes.length - 20), 'BAD_INPUT', /not a readable Parquet file/);
    const cut = bytes.slice();
    cut.fill(0xff, 8, 40); // the pages, keeping the footer: hyparquet's own errors are wrapped.
    await rejectsTyped(cut, 'BAD_INPUT', /Parquet/);
  });

  it('a declared row count beyond maxRows is refused before decoding', async () => {
    await rejectsTyped(await validParquet(), 'LIMIT_EXCEEDED', /more than 2 rows/, { maxRows: 2 });
  });

  it('left no rejected promise behind', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(leaked, []);
  });
});
