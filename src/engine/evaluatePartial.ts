// The file one shard of a sharded evaluation writes (`evaluate --shard i/k --partial <file>`) and
// `evaluate --merge` reads: one line of JSON (the header), then the binary sections it lists. Only the
// k-nearest-neighbour passes are sharded (they are nearly all of the time at scale); every other
// metric, the distributional ones included (O(n log n)), is computed at merge on the full data.
//
// A section is one pass's results for a range of rows: d1, d2 (float32, or float64 where a distance is
// not a float32 value), then i1, i2 (int32), each `rows` long, little-endian, at `offset` in the payload
// (which starts after the header's newline). 'forward' sections are complete for the shard's block of
// query rows; 'reverse' sections hold every reference row's best two among the block (a two-way pass)
// and are merged over the shards by (distance, index).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { MedSynthError } from '../core/errors';
import type { NearestNeighbours } from '../core/metrics/distanceKernel';

export const EVAL_PARTIAL_FORMAT = 'medsynth.evalpartial/1';

export const EVAL_PARTIAL_NOTE =
  'the k-nearest-neighbour passes are what is sharded; every other metric (the distributional ones are O(n log n)) is computed at merge on the full data';

export interface PartialInput {
  readonly sha256: string;
  readonly rows: number;
}

export interface PartialSection {
  /** 'synth->real': each synthetic row's nearest real rows. */
  readonly key: string;
  readonly kind: 'forward' | 'reverse';
  /** The rows of the pass's query set this section holds, [start, end). */
  readonly rows: readonly [number, number];
  readonly dtype: 'f32' | 'f64';
  readonly offset: number;
  readonly bytes: number;
}

export interface PartialPass {
  /** The pass searched: the query set's rows split into blocks, the reference set whole. */
  readonly query: string;
  readonly reference: string;
  /** Two-way: the reverse key is filled from the same pair distances. */
  readonly keys: readonly string[];
  readonly queryRows: readonly [number, number];
  readonly queryTotal: number;
}

export interface EvalPartialHeader {
  readonly format: typeof EVAL_PARTIAL_FORMAT;
  readonly note: string;
  readonly medsynthVersion: string;
  readonly inputs: { readonly real: PartialInput; readonly synth: PartialInput; readonly holdout?: PartialInput };
  /** SHA-256 of the packed distance space (stride, columns, every set's rows): the merge's space must hash the same. */
  readonly space: string;
  /** --metrics as given (null: all), and the metric options. */
  readonly metrics: readonly string[] | null;
  readonly metricOptions: unknown;
  readonly shard: { readonly index: number; readonly count: number };
  readonly passes: readonly PartialPass[];
  readonly sections: readonly PartialSection[];
  readonly payloadSha256: string;
}

export interface PartialContent {
  readonly header: EvalPartialHeader;
  readonly sections: ReadonlyMap<string, NearestNeighbours>;
}

const sectionId = (kind: string, key: string): string => `${kind} ${key}`;

function bytesOf(a: Float32Array | Float64Array | Int32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** The bytes of a partial file: the header (less its layout fields, filled here) and the sections in order. */
export function encodePartial(
  header: Omit<EvalPartialHeader, 'sections' | 'payloadSha256'>,
  sections: readonly { key: string; kind: 'forward' | 'reverse'; rows: readonly [number, number]; near: NearestNeighbours }[],
): Buffer {
  const parts: Buffer[] = [];
  const layout: PartialSection[] = [];
  let offset = 0;
  for (const s of sections) {
    const exact = s.near.d1.every((d) => Math.fround(d) === d) && s.near.d2.every((d) => Math.fround(d) === d);
    const dist = (d: Float64Array): Buffer => bytesOf(exact ? Float32Array.from(d) : d);
    const chunk = Buffer.concat([dist(s.near.d1), dist(s.near.d2), bytesOf(s.near.i1), bytesOf(s.near.i2)]);
    layout.push({ key: s.key, kind: s.kind, rows: s.rows, dtype: exact ? 'f32' : 'f64', offset, bytes: chunk.length });
    parts.push(chunk);
    offset += chunk.length;
  }
  const payload = Buffer.concat(parts);
  const full: EvalPartialHeader = {
    ...header,
    sections: layout,
    payloadSha256: createHash('sha256').update(payload).digest('hex'),
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(full)}\n`, 'utf8'), payload]);
}

const bad = (file: string, why: string): MedSynthError =>
  new MedSynthError('BAD_USAGE', `evaluate --merge: ${file} is not a usable evaluation partial: ${why}`);

/** Reads and checks one partial file (format, layout, payload hash); BAD_USAGE naming the file otherwise. */
export async function readPartial(file: string): Promise<PartialContent> {
  const bytes = await readFile(file).catch((e: unknown) => {
    throw new MedSynthError('BAD_USAGE', `evaluate --merge: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  });
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw bad(file, 'no header line');
  let header: EvalPartialHeader;
  try {
    header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as EvalPartialHeader;
  } catch {
    throw bad(file, 'the header is not JSON');
  }
  if (header === null || typeof header !== 'object' || header.format !== EVAL_PARTIAL_FORMAT)
    throw bad(file, `the format is not ${EVAL_PARTIAL_FORMAT}`);
  if (!Array.isArray(header.sections) || !Array.isArray(header.passes) || typeof header.shard !== 'object')
    throw bad(file, 'the header lacks its shard, passes or sections');
  const payload = bytes.subarray(nl + 1);
  if (createHash('sha256').update(payload).digest('hex') !== header.payloadSha256)
    throw bad(file, 'the payload does not match its sha256 (truncated?)');
  const sections = new Map<string, NearestNeighbours>();
  for (const s of header.sections) {
    const n = s.rows[1] - s.rows[0];
    const width = s.dtype === 'f32' ? 4 : 8;
    if (!Number.isSafeInteger(n) || n < 0 || s.bytes !== n * (2 * width + 8) || s.offset < 0 || s.offset + s.bytes > payload.length)
      throw bad(file, `section ${s.kind} ${s.key} does not fit the payload`);
    // Copied out so that every array is aligned.
    const chunk = Uint8Array.from(payload.subarray(s.offset, s.offset + s.bytes)).buffer;
    const dist = (at: number): Float64Array =>
      s.dtype === 'f32' ? Float64Array.from(new Float32Array(chunk, at, n)) : new Float64Array(chunk.slice(at, at + 8 * n));
    sections.set(sectionId(s.kind, s.key), {
      d1: dist(0),
      d2: dist(n * width),
      i1: new Int32Array(chunk, 2 * n * width, n),
      i2: new Int32Array(chunk, 2 * n * width + 4 * n, n),
    });
  }
  return { header, sections };
}

export function partialSection(content: PartialContent, kind: 'forward' | 'reverse', key: string): NearestNeighbours | undefined {
  return content.sections.get(sectionId(kind, key));
}
