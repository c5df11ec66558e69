// Checks a Parquet file's footer and pages before hyparquet decodes it. hyparquet trusts the sizes
// and counts a file declares: a corrupt run-length header makes its level decoder loop for billions
// of iterations (a synchronous hang no AbortSignal can stop), a huge declared page size allocates
// before anything is read, and a column that names no schema element leaves rejected promises
// behind. So every column chunk must lie inside the file and resolve in the schema, every page
// header must parse and fit its chunk, declared sizes are bounded by the bytes present, and every
// run-length/bit-packed stream hyparquet will decode is walked here first, refusing runs longer
// than the page's value count. The walk only reads; hyparquet then decodes the same bytes.

import type { FileMetaData, SchemaTree } from 'hyparquet';
import { checkedSnappy } from './snappyCheck';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { MedSynthError, badInput } from '../../errors';
import { limitError } from '../limits';

/** Snappy expands at most ~21x (a 3-byte copy tag yields 64 bytes); anything more is a lie. */
const MAX_SNAPPY_RATIO = 32;
const MAX_PAGE_BYTES = 512 * 1024 * 1024;
const PAGE = { data: 0, index: 1, dictionary: 2, dataV2: 3 } as const;
const ENCODING = { plain: 0, plainDictionary: 2, rle: 3, rleDictionary: 8 } as const;

interface Reader {
  readonly view: DataView;
  offset: number;
}

type Thrift = Record<string, unknown>;

interface ColumnShape {
  readonly maxDef: number;
  readonly maxRep: number;
  readonly boolean: boolean;
  readonly snappy: boolean;
}

/**
 * Throws BAD_INPUT (corrupt), UNSUPPORTED (a codec hyparquet cannot decode) or LIMIT_EXCEEDED
 * (more values than maxCells) for anything hyparquet should not be handed.
 */
export function guardParquet(bytes: Uint8Array, metadata: FileMetaData, schema: SchemaTree, maxCells: number, fileName?: string): void {
  const bad = (why: string): MedSynthError =>
    badInput(`is a corrupt Parquet file (${why})`, { file: fileName, expected: 'a Parquet file whose sizes match its contents' });
  let values = 0;
  for (const [g, group] of metadata.row_groups.entries()) {
    const groupRows = Number(group.num_rows);
    if (!Number.isSafeInteger(groupRows) || groupRows < 0) throw bad(`row group ${g} declares ${group.num_rows} rows`);
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta) throw bad(`row group ${g} has a column without metadata`);
      const path = pathIn(schema, meta.path_in_schema);
      if (!path) throw bad(`row group ${g} has a column "${String(meta.path_in_schema)}" that is not in the schema`);
      if (meta.codec !== 'UNCOMPRESSED' && meta.codec !== 'SNAPPY') {
        throw new MedSynthError('UNSUPPORTED', `column "${meta.path_in_schema.join('.')}" is compressed with ${meta.codec}`, {
          file: fileName,
          expected: 'Parquet compressed with snappy or uncompressed',
        });
      }
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 4 || end < start || end > bytes.length - 8) {
        throw bad(`column "${meta.path_in_schema.join('.')}" claims bytes ${start}..${end} of a ${bytes.length}-byte file`);
      }
      const shape: ColumnShape = {
        maxDef: path.slice(1).filter((n) => n.element.repetition_type !== 'REQUIRED').length,
        maxRep: path.filter((n) => n.element.repetition_type === 'REPEATED').length,
        boolean: meta.type === 'BOOLEAN',
        snappy: meta.codec === 'SNAPPY',
      };
      values += walkPages(bytes.subarray(start, end), shape, bad);
      if (values > maxCells) throw limitError('maxCells', maxCells, 'cells (rows x columns)', fileName);
    }
  }
}

function pathIn(schema: SchemaTree, names: readonly string[]): SchemaTree[] | undefined {
  if (!Array.isArray(names) || names.length === 0) return undefined;
  const path = [schema];
  let node = schema;
  for (const name of names) {
    const child = node.children.find((c) => c.element.name === name);
    if (!child) return undefined;
    path.push(child);
    node = child;
  }
  return node.children.length === 0 ? path : undefined;
}

/** Walks one column chunk's pages; returns the number of values its data pages declare. */
function walkPages(chunk: Uint8Array, shape: ColumnShape, bad: (why: string) => MedSynthError): number {
  const reader: Reader = { view: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset: 0 };
  let values = 0;
  while (reader.offset < chunk.length - 1) {
    const header = deserializeTCompactProtocol(reader) as Thrift;
    const type = header.field_1;
    const uncompressed = header.field_2;
    const compressed = header.field_3;
    if (typeof compressed !== 'number' || compressed < 0 || reader.offset + compressed > chunk.length)
      throw bad(`a page claims ${String(compressed)} bytes`);
    if (
      typeof uncompressed !== 'number' ||
      uncompressed < 0 ||
      uncompressed > MAX_PAGE_BYTES ||
      uncompressed > compressed * MAX_SNAPPY_RATIO + 65_536
    ) {
      throw bad(`a page of ${compressed} bytes claims to expand to ${String(uncompressed)}`);
    }
    const body = chunk.subarray(reader.offset, reader.offset + compressed);
    reader.offset += compressed;
    if (type === PAGE.dictionary) {
      const count = struct(header.field_7).field_1;
      if (typeof count !== 'number' || count < 0 || count > uncompressed * 8) throw bad(`a dictionary page claims ${String(count)} values`);
      inflate(body, uncompressed, shape, bad);
    } else if (type === PAGE.data) {
      values += checkDataPageV1(body, uncompressed, struct(header.field_5), shape, bad);
    } else if (type === PAGE.dataV2) {
      values += checkDataPageV2(body, uncompressed, struct(header.field_8), shape, bad);
    } else if (type !== PAGE.index) {
      throw bad(`unknown page type ${String(type)}`);
    }
  }
  return values;
}

function struct(v: unknown): Thrift {
  return v !== null && typeof v === 'object' ? (v as Thrift) : {};
}

function pageValues(n: unknown, bad: (why: string) => MedSynthError): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad(`a data page claims ${String(n)} values`);
  return n;
}

function inflate(body: Uint8Array, size: number, shape: ColumnShape, bad: (why: string) => MedSynthError): Uint8Array {
  if (!shape.snappy || body.length === 0) return body;
  return checkedSnappy(body, size, bad);
}

function checkDataPageV1(
  body: Uint8Array,
  uncompressed: number,
  header: Thrift,
  shape: ColumnShape,
  bad: (why: string) => MedSynthError,
): number {
  const n = pageValues(header.field_1, bad);
  const page = inflate(body, uncompressed, shape, bad);
  const reader: Reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
  if (shape.maxRep > 0) checkPrefixedRuns(reader, bitWidth(shape.maxRep), n, bad);
  if (shape.maxDef > 0) checkPrefixedRuns(reader, bitWidth(shape.maxDef), n, bad);
  checkValueRuns(reader, header.field_2, shape, n, bad);
  return n;
}

function checkDataPageV2(
  body: Uint8Array,
  uncompressed: number,
  header: Thrift,
  shape: ColumnShape,
  bad: (why: string) => MedSynthError,
): number {
  const n = pageValues(header.field_1, bad);
  const defBytes = header.field_5;
  const repBytes = header.field_6;
  if (typeof defBytes !== 'number' || typeof repBytes !== 'number' || defBytes < 0 || repBytes < 0 || defBytes + repBytes > body.length) {
    throw bad('a data page declares level lengths beyond the page');
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (shape.maxRep > 0) checkRuns({ view, offset: 0 }, bitWidth(shape.maxRep), n, bad);
  if (shape.maxDef > 0) checkRuns({ view, offset: repBytes }, bitWidth(shape.maxDef), n, bad);
  const rest = body.subarray(repBytes + defBytes);
  const compressed = header.field_7 !== false;
  const size = uncompressed - defBytes - repBytes;
  if (size < 0) throw bad('a data page is smaller than its levels');
  const page = compressed && size > 0 ? inflate(rest, size, shape, bad) : rest;
  checkValueRuns({ view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }, header.field_4, shape, n, bad);
  return n;
}

/** The dictionary indices (or RLE booleans) after the levels; other encodings are bounded by n. */
function checkValueRuns(reader: Reader, encoding: unknown, shape: ColumnShape, n: number, bad: (why: string) => MedSynthError): void {
  if (encoding === ENCODING.plainDictionary || encoding === ENCODING.rleDictionary || (encoding === ENCODING.rle && !shape.boolean)) {
    if (reader.offset >= reader.view.byteLength) return;
    const width = reader.view.getUint8(reader.offset++);
    if (width > 32) throw bad(`dictionary indices of ${width} bits`);
    checkRuns(reader, width, n, bad);
  } else if (encoding === ENCODING.rle && shape.boolean) {
    checkPrefixedRuns(reader, 1, n, bad);
  }
}

/** A hybrid stream preceded by its 4-byte length (data page v1 levels, RLE booleans). */
function checkPrefixedRuns(reader: Reader, width: number, n: number, bad: (why: string) => MedSynthError): void {
  if (reader.offset + 4 > reader.view.byteLength) return;
  const length = reader.view.getUint32(reader.offset, true);
  reader.offset += 4;
  const end = reader.offset + length;
  checkRuns({ view: reader.view, offset: reader.offset }, width, n, bad);
  reader.offset = end;
}

/**
 * Walks the run-length/bit-packed hybrid runs from `offset` as hyparquet will, refusing any run
 * that would write more values than the page holds: hyparquet's decoder runs for the declared
 * count, so one forged header is billions of iterations. Like hyparquet, the walk ignores a
 * stream's declared length and goes on until n values (or the page's bytes) are used up; a
 * stream that runs out of bytes early is left to hyparquet, which then throws.
 */
function checkRuns(reader: Reader, width: number, n: number, bad: (why: string) => MedSynthError): void {
  const end = reader.view.byteLength;
  let seen = 0;
  while (seen < n && reader.offset < end) {
    let header = 0;
    let shift = 0;
    for (;;) {
      if (reader.offset >= end) return;
      const b = reader.view.getUint8(reader.offset++);
      header += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) break;
      shift += 7;
      if (shift > 28) throw bad('an over-long run header');
    }
    const bitPacked = header % 2 === 1;
    const count = bitPacked ? Math.floor(header / 2) * 8 : Math.floor(header / 2);
    // DuckDB pads a bit-packed run to whole blocks of 256 values however few the page holds, and
    // hyparquet reads such a run's bytes and drops the surplus, so it costs no more than its bytes.
    // Refused are the runs that cost more: an RLE run (hyparquet writes every repeat), a bit-packed
    // run of zero-width values (no bytes to run out of) or one whose bytes are not there.
    const overlong = count > n - seen + 7;
    if (overlong && (!bitPacked || width === 0 || Math.ceil((count * width) / 8) > end - reader.offset)) {
      throw bad(`a run of ${count} values in a page of ${n}`);
    }
    seen += count;
    reader.offset += header % 2 === 1 ? Math.ceil((count * width) / 8) : (width + 7) >> 3;
  }
}

function bitWidth(value: number): number {
  return 32 - Math.clz32(value);
}
