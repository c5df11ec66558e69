// Fuzz target `dicom`: readDicomImage on Part 10 files, and readDicomWaveform on files with a Waveform
// Sequence. Seeds are the real fixtures in test/fixtures/dicom/ (pydicom's test files, the ECG waveform
// and the pydicom-written synthetic ones); structured cases
// forge image attributes (rows, columns, frames, bits, samples, photometric, planar), element lengths,
// encapsulated pixel data (offset tables, fragment lengths, fragment counts), nested sequences, deflated
// datasets (bombs, garbage), palettes, and files stripped of their File Meta group.
import { readFile } from 'node:fs/promises';
import { concatAll as concat, filesUnder } from '../bytes';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { readDicomImage } from '../../../src/core/data/dicom/image';
import { parseDicom } from '../../../src/core/data/dicom/parse';
import { hasWaveform, readDicomWaveform } from '../../../src/core/data/dicom/waveform';
import type { ImageSet } from '../../../src/core/data/imageSet';
import type { SignalSet } from '../../../src/core/data/signalSet';
import type { FuzzRandom } from '../random';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';

export const DICOM_DIR = join(__dirname, '..', '..', 'fixtures', 'dicom');
/** Caps for the fuzz worker: a hostile header may legitimately allocate up to these, no more. */
export const FUZZ_LIMITS = { maxPixels: 2 ** 23, maxDecompressedBytes: 64 * 1024 * 1024 };

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);
const enc = new TextEncoder();

/** One explicit VR little endian element; `length` overrides the declared length (a lie). */
export function el(group: number, element: number, vr: string, value: Uint8Array, length?: number): Uint8Array {
  const long = LONG_VRS.has(vr);
  const head = new Uint8Array(long ? 12 : 8);
  const v = new DataView(head.buffer);
  v.setUint16(0, group, true);
  v.setUint16(2, element, true);
  head[4] = vr.charCodeAt(0);
  head[5] = vr.charCodeAt(1);
  if (long) v.setUint32(8, length ?? value.length, true);
  else v.setUint16(6, (length ?? value.length) & 0xffff, true);
  return concat([head, value]);
}

export function text(s: string): Uint8Array {
  return enc.encode(s.length % 2 === 1 ? `${s} ` : s);
}

export function us(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((x, i) => new DataView(out.buffer).setUint16(i * 2, x & 0xffff, true));
  return out;
}

export function ul(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((x, i) => new DataView(out.buffer).setUint32(i * 4, x >>> 0, true));
  return out;
}

/** Preamble, 'DICM', a File Meta group naming `syntax`, then `body` (already encoded as that syntax says). */
export function part10(syntax: string, body: Uint8Array): Uint8Array {
  const ts = el(0x0002, 0x0010, 'UI', text(syntax));
  const meta = concat([el(0x0002, 0x0000, 'UL', ul(ts.length)), ts]);
  const pre = new Uint8Array(132);
  pre.set(enc.encode('DICM'), 128);
  return concat([pre, meta, body]);
}

const NATIVE = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99'];
const COMPRESSED = [
  '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.100',
];
const PHOTOMETRIC = [
  'MONOCHROME1',
  'MONOCHROME2',
  'RGB',
  'YBR_FULL',
  'YBR_FULL_422',
  'YBR_PARTIAL_420',
  'PALETTE COLOR',
  'YBR_ICT',
  'HSV',
  '',
];

function imageHeader(rng: FuzzRandom, how: string[]): Uint8Array[] {
  const rows = rng.pick([0, 1, 2, 3, 16, 255, 4096, 65535]);
  const cols = rng.pick([0, 1, 3, 16, 256, 65535]);
  const spp = rng.pick([1, 1, 3, 3, 0, 2, 4, 65535]);
  const ba = rng.pick([1, 8, 16, 32, 0, 12, 24, 64, 65535]);
  const bs = rng.chance(0.5) ? ba : rng.pick([0, 1, 7, 12, 15, 31, 33, 65535]);
  const hb = rng.chance(0.6) ? bs - 1 : rng.pick([0, 15, 31, 65535]);
  const frames = rng.pick(['1', '2', '0', '-1', '999999999', '1e3', '2147483648', ' 3 ', '1.5', '']);
  const photometric = rng.pick(PHOTOMETRIC);
  how.push(`image:${rows}x${cols}x${spp}:${ba}/${bs}/${hb}:frames=${frames}:${photometric}`);
  return [
    el(0x0028, 0x0002, 'US', us(spp)),
    el(0x0028, 0x0004, 'CS', text(photometric)),
    el(0x0028, 0x0006, 'US', us(rng.pick([0, 1, 2]))),
    el(0x0028, 0x0008, 'IS', text(frames)),
    el(0x0028, 0x0010, 'US', us(rows)),
    el(0x0028, 0x0011, 'US', us(cols)),
    el(0x0028, 0x0100, 'US', us(ba)),
    el(0x0028, 0x0101, 'US', us(bs)),
    el(0x0028, 0x0102, 'US', us(hb)),
    el(0x0028, 0x0103, 'US', us(rng.pick([0, 1, 2]))),
    el(0x0028, 0x1052, 'DS', text(rng.pick(['0', '-1024', '1e308', 'nan', 'x']))),
    el(0x0028, 0x1053, 'DS', text(rng.pick(['1', '0', '-1', '1e308', '1e-308', '']))),
  ];
}

function encapsulated(rng: FuzzRandom, how: string[]): Uint8Array {
  const item = (value: Uint8Array, length?: number): Uint8Array => concat([us(0xfffe, 0xe000), ul(length ?? value.length), value]);
  const n = rng.pick([0, 1, 2, 10, 1000, 100_000]);
  const bot = rng.chance(0.5) ? [] : Array.from({ length: rng.pick([1, 2, n]) }, () => rng.pick([0, 4, 8, 0xffffffff, rng.below(1 << 20)]));
  const fragments = Array.from({ length: n }, () =>
    item(
      new Uint8Array(rng.pick([0, 2, 10])).fill(rng.below(256)),
      rng.chance(0.05) ? rng.pick([0xffffffff, 0xfffffff0, 1 << 30]) : undefined,
    ),
  );
  how.push(`encapsulated:fragments=${n}:bot=${bot.length}`);
  const end = rng.chance(0.8) ? concat([us(0xfffe, 0xe0dd), ul(0)]) : new Uint8Array(0);
  return concat([el(0x7fe0, 0x0010, 'OB', new Uint8Array(0), 0xffffffff), item(ul(...bot)), ...fragments, end]);
}

function nested(depth: number): Uint8Array {
  // depth sequences of undefined length, each holding one undefined-length item.
  const open = concat([el(0x0008, 0x1115, 'SQ', new Uint8Array(0), 0xffffffff), us(0xfffe, 0xe000), ul(0xffffffff)]);
  const close = concat([us(0xfffe, 0xe00d), ul(0), us(0xfffe, 0xe0dd), ul(0)]);
  const out = new Uint8Array((open.length + close.length) * depth);
  for (let i = 0; i < depth; i++) {
    out.set(open, i * open.length);
    out.set(close, depth * open.length + i * close.length);
  }
  return out;
}

function buildDicomStructured(rng: FuzzRandom, base: Uint8Array): Built {
  const how: string[] = [];
  switch (rng.below(10)) {
    case 0: {
      const syntax = rng.pick(NATIVE);
      const pixels = new Uint8Array(rng.pick([0, 1, 7, 64, 4096, 65_536]));
      for (let i = 0; i < pixels.length; i++) pixels[i] = rng.below(256);
      const body = concat([
        ...imageHeader(rng, how),
        el(
          0x7fe0,
          0x0010,
          rng.pick(['OB', 'OW']),
          pixels,
          rng.chance(0.2) ? rng.pick([0xffffffff, pixels.length + 2, 1 << 30]) : undefined,
        ),
      ]);
      how.push(`native:${syntax}`);
      return { bytes: part10(syntax, syntax === NATIVE[3] ? deflateRawSync(body) : body), how };
    }
    case 1: {
      const syntax = rng.pick(COMPRESSED);
      how.push(`compressed:${syntax}`);
      return { bytes: part10(syntax, concat([...imageHeader(rng, how), encapsulated(rng, how)])), how };
    }
    case 2: {
      const depth = rng.pick([10, 100, 1000, 10_000, 100_000]);
      return { bytes: part10(NATIVE[0], nested(depth)), how: [`nestedSequences:${depth}`] };
    }
    case 3: {
      const size = rng.pick([1 << 20, 16 << 20, 80 << 20]);
      const payload = rng.chance(0.5) ? deflateRawSync(new Uint8Array(size)) : new Uint8Array(rng.size(4096)).map(() => rng.below(256));
      return { bytes: part10(NATIVE[3], payload), how: [`deflate:${payload.length}->${size}`] };
    }
    case 4: {
      // A 32-bit length lie somewhere after the preamble.
      const out = base.slice();
      if (out.length < 140) break;
      const at = 132 + rng.below(out.length - 136);
      new DataView(out.buffer).setUint32(at, rng.pick([0xffffffff, 0xfffffff0, 0x7fffffff, rng.u32()]), true);
      return { bytes: out, how: [`lengthLie@${at}`] };
    }
    case 5: {
      const entries = rng.pick([0, 1, 256, 4096, 65535]);
      const data = new Uint8Array(rng.pick([0, 2, 512, 8192]));
      const lut = (e: number): Uint8Array[] => [
        el(0x0028, e, 'US', us(entries, rng.pick([0, 10, 65535]), rng.pick([8, 16, 0, 99]))),
        el(0x0028, e + 0x100, 'OW', data),
      ];
      const header = [
        el(0x0028, 0x0002, 'US', us(1)),
        el(0x0028, 0x0004, 'CS', text('PALETTE COLOR')),
        el(0x0028, 0x0010, 'US', us(4)),
        el(0x0028, 0x0011, 'US', us(4)),
        el(0x0028, 0x0100, 'US', us(rng.pick([8, 16]))),
        el(0x0028, 0x0103, 'US', us(rng.below(2))),
      ];
      return {
        bytes: part10(
          NATIVE[0],
          concat([...header, ...lut(0x1101), ...lut(0x1102), ...lut(0x1103), el(0x7fe0, 0x0010, 'OW', new Uint8Array(32).fill(0xff))]),
        ),
        how: [`palette:${entries}:${data.length}`],
      };
    }
    case 6: {
      // Strip preamble and File Meta: the syntax must be guessed.
      if (base.length < 140) break;
      const metaLength = new DataView(base.buffer, base.byteOffset).getUint32(140, true);
      return { bytes: base.subarray(Math.min(base.length, 144 + metaLength)), how: ['noMeta'] };
    }
    case 7: {
      const frames = rng.pick(['65535', '999999', '2147483647']);
      const body = concat([
        ...imageHeader(rng, how).slice(0, 3),
        el(0x0028, 0x0008, 'IS', text(frames)),
        el(0x0028, 0x0010, 'US', us(1)),
        el(0x0028, 0x0011, 'US', us(1)),
        el(0x0028, 0x0100, 'US', us(1)),
        el(0x7fe0, 0x0010, 'OB', new Uint8Array(8192).fill(0xaa)),
      ]);
      return { bytes: part10(rng.pick(NATIVE.slice(0, 3)), body), how: [...how, `manyFrames:${frames}`] };
    }
    case 8: {
      // A Modality LUT Sequence whose descriptor and data disagree.
      const entries = rng.pick([0, 1, 100, 65535]);
      const data = new Uint8Array(rng.pick([0, 2, 200, 131_070]));
      const item = concat([
        el(0x0028, 0x3002, 'US', us(entries, rng.pick([0, 5, 65535]), rng.pick([8, 16, 0]))),
        el(0x0028, 0x3006, 'OW', data),
      ]);
      const sequence = el(0x0028, 0x3000, 'SQ', concat([us(0xfffe, 0xe000), ul(rng.chance(0.8) ? item.length : rng.u32()), item]));
      const header = [
        el(0x0028, 0x0010, 'US', us(4)),
        el(0x0028, 0x0011, 'US', us(4)),
        el(0x0028, 0x0100, 'US', us(16)),
        el(0x0028, 0x0103, 'US', us(rng.below(2))),
        sequence,
      ];
      return {
        bytes: part10(NATIVE[0], concat([...header, el(0x7fe0, 0x0010, 'OW', new Uint8Array(32).fill(0xff))])),
        how: [`modalityLut:${entries}:${data.length}`],
      };
    }
    default:
      break;
  }
  return { bytes: base.subarray(0, rng.below(base.length + 1)), how: ['truncated'] };
}

/** Shape checks every ImageSet from the DICOM readers must pass. */
export function checkImageSet(set: ImageSet): void {
  const fail = (what: string): never => {
    throw new Error(`invalid ImageSet: ${what}`);
  };
  if (set.modality !== 'image' || set.images.length === 0) fail('no images');
  for (const v of set.images) {
    for (const n of [v.frames, v.rows, v.columns]) if (!Number.isSafeInteger(n) || n < 1) fail(`dimension ${n}`);
    if (v.channels !== 1 && v.channels !== 3) fail(`channels ${v.channels}`);
    if (v.data.length !== v.frames * v.rows * v.columns * v.channels)
      fail(`${v.data.length} values for ${v.frames}x${v.rows}x${v.columns}x${v.channels}`);
    for (let i = 0; i < v.data.length; i++) if (!Number.isFinite(v.data[i])) fail(`value ${i} = ${v.data[i]}`);
    for (const w of v.windows)
      if (!Number.isFinite(w.center) || !(w.width > 0) || !Number.isFinite(w.width)) fail(`window ${JSON.stringify(w)}`);
    if (v.spacing)
      for (const s of [v.spacing.row, v.spacing.column, v.spacing.slice ?? 1])
        if (!(s > 0) || !Number.isFinite(s)) fail(`spacing ${JSON.stringify(v.spacing)}`);
    if (v.channels === 3 && v.photometric !== 'RGB') fail(`photometric ${v.photometric} with 3 channels`);
  }
}

/** Shape checks every SignalSet from readDicomWaveform must pass. */
export function checkWaveformSet(set: SignalSet): void {
  const fail = (what: string): never => {
    throw new Error(`invalid waveform SignalSet: ${what}`);
  };
  if (set.modality !== 'signal' || set.records.length === 0) fail('no records');
  for (const r of set.records) {
    if (r.channels.length === 0) fail(`record ${r.id} has no channels`);
    const samples = r.channels[0].data.length;
    if (samples < 1) fail(`record ${r.id} has no samples`);
    for (const c of r.channels) {
      // One multiplex group: every channel holds the declared Number of Waveform Samples at one rate.
      if (c.data.length !== samples) fail(`channel ${c.name}: ${c.data.length} samples, not ${samples}`);
      if (!(c.sampleRate > 0) || !Number.isFinite(c.sampleRate)) fail(`channel ${c.name}: rate ${c.sampleRate}`);
      if (c.sampleRate !== r.channels[0].sampleRate)
        fail(`channel ${c.name}: rate ${c.sampleRate} in a group at ${r.channels[0].sampleRate}`);
      for (let i = 0; i < c.data.length; i++)
        if (c.data[i] === Infinity || c.data[i] === -Infinity) fail(`channel ${c.name} value ${i} = ${c.data[i]}`);
    }
    const seconds = samples / r.channels[0].sampleRate;
    for (const a of r.annotations) {
      if (!(a.onset >= 0) || !(a.duration >= 0) || a.onset + a.duration > seconds + 1e-9)
        fail(`annotation ${JSON.stringify(a)} in ${seconds} s`);
      if (a.channel !== undefined && !(Number.isInteger(a.channel) && a.channel >= 0 && a.channel < r.channels.length))
        fail(`annotation channel ${a.channel}`);
    }
  }
}

export const dicomTarget: FuzzTargetSpec = {
  name: 'dicom',
  extension: 'dcm',
  async loadCorpus() {
    // The codecs' fixtures (test/fixtures/dicom/codecs/) are seeds too: they reach the encapsulated path.
    const names = (await filesUnder(DICOM_DIR)).filter((p) => p.endsWith('.dcm'));
    return Promise.all(names.map(async (p) => new Uint8Array(await readFile(p))));
  },
  buildStructured: buildDicomStructured,
  async execute(bytes) {
    const opts = { fileName: 'fuzz.dcm', limits: FUZZ_LIMITS };
    // A waveform (test/fixtures/dicom/waveform/ seeds) goes through readDicomWaveform too; a file with
    // Pixel Data as well still goes through the image reader.
    const file = parseDicom(bytes, opts);
    if (hasWaveform(file)) {
      checkWaveformSet(await readDicomWaveform(bytes, opts));
      if (!file.pixelData) return 'ok';
    }
    checkImageSet(await readDicomImage(bytes, opts));
    return 'ok';
  },
};
