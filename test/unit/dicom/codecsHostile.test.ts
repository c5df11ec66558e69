// Broken and hostile compressed frames: each must end in a MedSynthError naming the file (BAD_INPUT
// for a broken stream, UNSUPPORTED for a valid variant we do not decode, LIMIT_EXCEEDED for a size
// beyond the caps), checked by our own header parsers before any third-party decoder runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrame, framesOf, type FrameGeometry } from '../../../src/core/data/dicom/codecs/frameDecoder';
import { rejectsWith } from '../typedErrors';
import { readCodecFixture } from './codecsFixtures';

const RLE = '1.2.840.10008.1.2.5';
const BASELINE = '1.2.840.10008.1.2.4.50';
const FILE = 'hostile.dcm';

function firstFrame(name: string) {
  const fx = readCodecFixture(name);
  return { ...fx, frame: framesOf(fx.data, fx.numberOfFrames, { fileName: name })[0]! };
}

// One fixture per syntax family, lossless and lossy.
const FAMILIES = [
  'MR_small_RLE.dcm',
  'SC_rgb_jpeg_dcmtk.dcm',
  'mr_jpll_sv1.dcm',
  'rgb_jpll_sv1.dcm',
  'MR_small_jpeg_ls_lossless.dcm',
  'rgb_jls_none.dcm',
  'MR_small_jp2klossless.dcm',
  'GDCMJ2K_TextGBR.dcm',
  'mr4_htj2k.dcm',
];

for (const name of FAMILIES) {
  test(`${name}: truncated frames are BAD_INPUT naming the file`, async () => {
    const { transferSyntax, geometry, frame } = firstFrame(name);
    for (const keep of [0, 1, 2, 16, 40, 70, Math.floor(frame.length / 2), frame.length - 3]) {
      const e = await rejectsWith(decodeFrame(transferSyntax, frame.slice(0, keep), geometry, { fileName: FILE }), 'BAD_INPUT');
      assert.match(e.message, /hostile\.dcm/, `kept ${keep} bytes`);
    }
  });

  test(`${name}: a geometry that disagrees with the stream is BAD_INPUT`, async () => {
    const { transferSyntax, geometry, frame } = firstFrame(name);
    for (const g of [
      { ...geometry, rows: geometry.rows + 1 },
      { ...geometry, columns: geometry.columns - 1 },
      { ...geometry, samplesPerPixel: geometry.samplesPerPixel === 1 ? 3 : 1 },
    ]) {
      await rejectsWith(decodeFrame(transferSyntax, frame, g, { fileName: FILE }), 'BAD_INPUT');
    }
  });

  test(`${name}: the pixel cap is checked before decoding`, async () => {
    const { transferSyntax, geometry, frame } = firstFrame(name);
    const e = await rejectsWith(
      decodeFrame(transferSyntax, frame, geometry, { fileName: FILE, limits: { maxPixels: 100 } }),
      'LIMIT_EXCEEDED',
    );
    assert.match(e.message, /maxPixels/);
  });
}

test('a decoder that failed is usable again for the next frame', async () => {
  for (const name of ['SC_rgb_jpeg_dcmtk.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm', 'mr4_htj2k.dcm']) {
    const { transferSyntax, geometry, frame } = firstFrame(name);
    const broken = frame.slice();
    broken.fill(0x5a, Math.floor(frame.length / 3));
    await decodeFrame(transferSyntax, broken, geometry, { fileName: FILE }).catch((e: unknown) =>
      assert.ok(e instanceof Error && 'code' in e, String(e)),
    );
    const good = await decodeFrame(transferSyntax, frame, geometry, { fileName: FILE });
    assert.equal(good.pixels.length, geometry.rows * geometry.columns * geometry.samplesPerPixel);
  }
});

/** A baseline JPEG whose SOF declares `rows` x `columns`, with nothing after it. */
function jpegWithSof(rows: number, columns: number, components = 1): Uint8Array {
  const sof = [0xff, 0xc0, 0, 8 + 3 * components, 8, rows >> 8, rows & 0xff, columns >> 8, columns & 0xff, components];
  for (let c = 0; c < components; c++) sof.push(c + 1, 0x11, 0);
  return Uint8Array.from([0xff, 0xd8, ...sof, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0, 0xff, 0xd9]);
}

const gray8: FrameGeometry = {
  rows: 64,
  columns: 64,
  samplesPerPixel: 1,
  bitsAllocated: 8,
  bitsStored: 8,
  pixelRepresentation: 0,
  planarConfiguration: 0,
  photometricInterpretation: 'MONOCHROME2',
};

test('a JPEG whose SOF says 64000 x 64000: BAD_INPUT against a smaller geometry, LIMIT_EXCEEDED when the geometry agrees', async () => {
  const frame = jpegWithSof(64000, 64000);
  const e = await rejectsWith(decodeFrame(BASELINE, frame, gray8, { fileName: FILE }), 'BAD_INPUT');
  assert.match(e.message, /64000x64000/);
  await rejectsWith(
    decodeFrame(BASELINE, frame, { ...gray8, rows: 64000, columns: 64000 }, { fileName: FILE, limits: { maxPixels: 1e6 } }),
    'LIMIT_EXCEEDED',
  );
});

test('a JPEG of more than 500 scans is refused before libjpeg-turbo redoes the image for each', async () => {
  const sos = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0];
  const base = jpegWithSof(64, 64);
  const frame = Uint8Array.from([...base.subarray(0, base.length - 2), ...Array.from({ length: 501 }, () => sos).flat(), 0xff, 0xd9]);
  const e = await rejectsWith(decodeFrame(BASELINE, frame, gray8, { fileName: FILE }), 'BAD_INPUT');
  assert.match(e.message, /more than 500 scans/);
});

test('a lossless JPEG whose SOF and geometry agree on 4096 x 4096 but whose data holds 64 x 64 is BAD_INPUT', async () => {
  const { transferSyntax, geometry, frame } = firstFrame('mr_jpll_sv1.dcm');
  const big = frame.slice();
  const at = big.findIndex((b, i) => b === 0xff && big[i + 1] === 0xc3);
  new DataView(big.buffer).setUint16(at + 5, 4096);
  new DataView(big.buffer).setUint16(at + 7, 4096);
  const e = await rejectsWith(
    decodeFrame(transferSyntax, big, { ...geometry, rows: 4096, columns: 4096 }, { fileName: FILE }),
    'BAD_INPUT',
  );
  assert.match(e.message, /too short/);
});

test('a JPEG with three components for a one-sample geometry is BAD_INPUT', async () => {
  await rejectsWith(decodeFrame(BASELINE, jpegWithSof(64, 64, 3), gray8, { fileName: FILE }), 'BAD_INPUT');
});

test('a JPEG segment length past the frame and a stream without SOI are BAD_INPUT', async () => {
  await rejectsWith(
    decodeFrame(BASELINE, Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff, 0, 0]), gray8, { fileName: FILE }),
    'BAD_INPUT',
  );
  await rejectsWith(decodeFrame(BASELINE, Uint8Array.from([0x89, 0x50, 0x4e, 0x47]), gray8, { fileName: FILE }), 'BAD_INPUT');
});

/** An RLE frame header with `count` segments at `offsets`, followed by `body` bytes of 0. */
function rleFrame(count: number, offsets: number[], body = 64): Uint8Array {
  const frame = new Uint8Array(64 + body);
  const v = new DataView(frame.buffer);
  v.setUint32(0, count, true);
  offsets.forEach((o, k) => v.setUint32(4 + 4 * k, o, true));
  return frame;
}

test('RLE: segment offsets beyond the frame, out of order, or before the header are BAD_INPUT', async () => {
  for (const offsets of [[64 + 1000], [10], [64, 64], [100, 80], [0xffffffff]]) {
    const count = offsets.length;
    const g = { ...gray8, samplesPerPixel: count === 2 ? 1 : 1, bitsAllocated: count === 2 ? 16 : 8, bitsStored: count === 2 ? 16 : 8 };
    const e = await rejectsWith(decodeFrame(RLE, rleFrame(count, offsets), g, { fileName: FILE }), 'BAD_INPUT');
    assert.match(e.message, /hostile\.dcm.*RLE segment/);
  }
});

test('RLE: 16 segments, or a count that does not fit the geometry, are BAD_INPUT', async () => {
  const offsets = Array.from({ length: 15 }, (_, k) => 64 + k);
  await rejectsWith(decodeFrame(RLE, rleFrame(16, offsets), gray8, { fileName: FILE }), 'BAD_INPUT');
  await rejectsWith(decodeFrame(RLE, rleFrame(3, [64, 65, 66]), gray8, { fileName: FILE }), 'BAD_INPUT');
  await rejectsWith(decodeFrame(RLE, new Uint8Array(10), gray8, { fileName: FILE }), 'BAD_INPUT');
});

test('RLE: a segment that decodes to fewer bytes than rows x columns, or far more, is BAD_INPUT', async () => {
  // One literal run of 2 bytes where 4096 are needed.
  const short = rleFrame(1, [64], 3);
  short.set([1, 7, 7], 64);
  await rejectsWith(decodeFrame(RLE, short, gray8, { fileName: FILE }), 'BAD_INPUT');
  // Repeat runs of 128 (0x81) far beyond a 2 x 2 plane: nothing is written past it, and it is refused.
  const long = rleFrame(1, [64], 200);
  for (let i = 64; i < long.length; i += 2) long.set([0x81, 9], i);
  await rejectsWith(decodeFrame(RLE, long, { ...gray8, rows: 2, columns: 2 }, { fileName: FILE }), 'BAD_INPUT');
  // One byte of padding after the plane (a repeat of 5 for 4 pixels) is tolerated, as pydicom does.
  const padded = rleFrame(1, [64], 2);
  padded.set([0xfc, 9], 64);
  const out = await decodeFrame(RLE, padded, { ...gray8, rows: 2, columns: 2 }, { fileName: FILE });
  assert.deepEqual([...out.pixels], [9, 9, 9, 9]);
});

test('unknown syntaxes and geometries we do not decode are UNSUPPORTED, impossible ones BAD_INPUT', async () => {
  await rejectsWith(decodeFrame('1.2.840.10008.1.2.1', new Uint8Array(8), gray8, { fileName: FILE }), 'UNSUPPORTED');
  await rejectsWith(decodeFrame(RLE, new Uint8Array(80), { ...gray8, bitsAllocated: 12 }, { fileName: FILE }), 'UNSUPPORTED');
  await rejectsWith(decodeFrame(RLE, new Uint8Array(80), { ...gray8, samplesPerPixel: 4 }, { fileName: FILE }), 'UNSUPPORTED');
  await rejectsWith(decodeFrame(RLE, new Uint8Array(80), { ...gray8, rows: 0 }, { fileName: FILE }), 'BAD_INPUT');
  await rejectsWith(decodeFrame(RLE, new Uint8Array(80), { ...gray8, samplesPerPixel: 0 }, { fileName: FILE }), 'BAD_INPUT');
  await rejectsWith(decodeFrame(RLE, new Uint8Array(80), { ...gray8, columns: 1.5 }, { fileName: FILE }), 'BAD_INPUT');
  await rejectsWith(decodeFrame(RLE, new Uint8Array(80), { ...gray8, bitsStored: 9 }, { fileName: FILE }), 'BAD_INPUT');
});

test('JPEG 2000: a SIZ declaring 2^32-1 columns or 262144 one-pixel tiles is refused before OpenJPEG runs', async () => {
  const { transferSyntax, geometry, frame } = firstFrame('693_J2KI.dcm');
  const huge = frame.slice();
  new DataView(huge.buffer).setUint32(8, 0xffffffff); // Xsiz
  await rejectsWith(decodeFrame(transferSyntax, huge, geometry, { fileName: FILE }), 'BAD_INPUT');
  const tiny = frame.slice();
  new DataView(tiny.buffer).setUint32(24, 1); // XTsiz = 1
  new DataView(tiny.buffer).setUint32(28, 1); // YTsiz = 1
  await rejectsWith(decodeFrame(transferSyntax, tiny, geometry, { fileName: FILE }), 'BAD_INPUT');
});

test('framesOf: no fragments, more frames than fragments, and no frame boundary are BAD_INPUT', () => {
  const f = (bytes: number[]): Uint8Array => Uint8Array.from(bytes);
  assert.throws(
    () => framesOf({ basicOffsetTable: [], fragments: [], fragmentOffsets: [] }, 1, { fileName: FILE }),
    /hostile\.dcm.*no fragments/,
  );
  assert.throws(
    () => framesOf({ basicOffsetTable: [], fragments: [f([1, 2])], fragmentOffsets: [0] }, 2, { fileName: FILE }),
    /2 frames declared/,
  );
  assert.throws(
    () =>
      framesOf({ basicOffsetTable: [], fragments: [f([1, 2]), f([3, 4]), f([5, 6])], fragmentOffsets: [0, 10, 20] }, 2, { fileName: FILE }),
    /cannot tell which/,
  );
  assert.throws(
    () => framesOf({ basicOffsetTable: [], fragments: [f([1, 2])], fragmentOffsets: [0] }, 0, { fileName: FILE }),
    /Number of Frames/,
  );
});

test('framesOf: a Basic Offset Table that disagrees with the fragments is ignored for the EOI markers', () => {
  const a = Uint8Array.from([0xff, 0xd8, 1, 0xff, 0xd9, 0]);
  const b = Uint8Array.from([0xff, 0xd8, 2, 3]);
  const c = Uint8Array.from([4, 0xff, 0xd9, 0]);
  const frames = framesOf({ basicOffsetTable: [0, 999], fragments: [a, b, c], fragmentOffsets: [0, 14, 26] }, 2, { fileName: FILE });
  assert.deepEqual(
    frames.map((x) => [...x]),
    [[...a], [...b, ...c]],
  );
  const byTable = framesOf({ basicOffsetTable: [0, 14], fragments: [a, b, c], fragmentOffsets: [0, 14, 26] }, 2, { fileName: FILE });
  assert.deepEqual(
    byTable.map((x) => x.length),
    [6, 8],
  );
});

test('a frame padded after its end marker with 0x00 or 0xFF still decodes', async () => {
  for (const name of ['mr_jpll_sv1.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm']) {
    const { transferSyntax, geometry, frame } = firstFrame(name);
    for (const pad of [[0], [0xff], [0, 0, 0]]) {
      const padded = Uint8Array.from([...frame, ...pad]);
      const out = await decodeFrame(transferSyntax, padded, geometry, { fileName: FILE });
      assert.equal(out.pixels.length, geometry.rows * geometry.columns);
    }
  }
});
