// Broken and hostile DICOM input ends in the right typed error naming the file, before anything sized by
// the file is allocated: truncations at every 97th byte, declared sizes far beyond the data, a deflate
// bomb, a corrupt deflate stream, DICOMDIR offset loops and dangling offsets, cancellation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync, deflateSync, inflateRawSync } from 'node:zlib';
import { readDicomDir } from '../../../src/core/data/dicom/dicomdir';
import { readDicomImage } from '../../../src/core/data/dicom/image';
import { parseDicom } from '../../../src/core/data/dicom/parse';
import { readDicomSeries } from '../../../src/core/data/dicom/series';
import { MedSynthError } from '../../../src/core/errors';
import { rejectsWith } from '../typedErrors';
import { fixture } from './dicomFixtures';

function typed(codes: readonly string[], file?: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof MedSynthError, `not a MedSynthError: ${String(e)}`);
    assert.ok(codes.includes(e.code), `${e.code}: ${e.message}`);
    if (file) assert.ok(e.message.startsWith(file), e.message);
    return true;
  };
}

/** Offset of the value of the first explicit-VR-LE element (gggg,eeee) VR after `from`. */
function valueOffset(bytes: Uint8Array, group: number, element: number, vr: string, from = 0): number {
  const pattern = [group & 0xff, group >> 8, element & 0xff, element >> 8, vr.charCodeAt(0), vr.charCodeAt(1)];
  for (let i = from; i + 8 <= bytes.length; i++) if (pattern.every((b, k) => bytes[i + k] === b)) return i + 8;
  throw new Error(`(${group.toString(16)},${element.toString(16)}) not found`);
}

/** The first byte after the File Meta group of a Part 10 file. */
function metaEnd(bytes: Uint8Array): number {
  const at = valueOffset(bytes, 0x0002, 0x0000, 'UL');
  return at + 4 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
}

describe('hostile DICOM files', () => {
  it('every truncation of CT_small is a typed error naming the file', async () => {
    const whole = fixture('pydicom/CT_small.dcm');
    for (let cut = 0; cut < whole.length; cut += 97) {
      await assert.rejects(
        readDicomImage(whole.subarray(0, cut), { fileName: `cut${cut}.dcm` }),
        typed(['BAD_INPUT', 'UNSUPPORTED'], `cut${cut}.dcm`),
      );
    }
  });

  it('MR_truncated (pixel data cut short) is BAD_INPUT', async () => {
    await rejectsWith(readDicomImage(fixture('pydicom/MR_truncated.dcm'), { fileName: 'MR_truncated.dcm' }), 'BAD_INPUT');
  });

  it('not DICOM at all is BAD_INPUT at byte 128', async () => {
    const e = await rejectsWith(
      readDicomImage(new TextEncoder().encode('\x89PNG\r\n\x1a\n not a dicom file'), { fileName: 'x.png' }),
      'BAD_INPUT',
    );
    assert.match(e.message, /^x\.png, byte 128: not a DICOM file/);
    await rejectsWith(readDicomImage(new Uint8Array(0), { fileName: 'empty' }), 'BAD_INPUT');
  });

  it('Rows x Columns of 65535 x 65535 with 8 KiB of pixel data: LIMIT_EXCEEDED, or BAD_INPUT under a larger cap', async () => {
    const bytes = fixture('pydicom/MR_small.dcm').slice();
    const view = new DataView(bytes.buffer);
    view.setUint16(valueOffset(bytes, 0x0028, 0x0010, 'US'), 65535, true);
    view.setUint16(valueOffset(bytes, 0x0028, 0x0011, 'US'), 65535, true);
    const limited = await rejectsWith(readDicomImage(bytes, { fileName: 'huge.dcm' }), 'LIMIT_EXCEEDED');
    assert.match(limited.message, /maxPixels/);
    const short = await rejectsWith(readDicomImage(bytes, { fileName: 'huge.dcm', limits: { maxPixels: 2 ** 33 } }), 'BAD_INPUT');
    assert.match(short.message, /^huge\.dcm, byte \d+: Pixel Data \(7FE0,0010\) holds 8192 bytes/);
  });

  it('pixel data shorter than the image is BAD_INPUT with the bytes expected', async () => {
    const e = await rejectsWith(readDicomImage(fixture('synthetic/short_pixels.dcm'), { fileName: 'short.dcm' }), 'BAD_INPUT');
    assert.match(e.message, /expected 8192 bytes/);
  });

  it('a deflate bomb is LIMIT_EXCEEDED on maxDecompressedBytes', async () => {
    const dfl = fixture('pydicom/image_dfl.dcm');
    const end = metaEnd(dfl);
    const bomb = deflateRawSync(new Uint8Array(8 * 1024 * 1024));
    const bytes = new Uint8Array(end + bomb.length);
    bytes.set(dfl.subarray(0, end));
    bytes.set(bomb, end);
    const e = await rejectsWith(
      readDicomImage(bytes, { fileName: 'bomb.dcm', limits: { maxDecompressedBytes: 1_000_000 } }),
      'LIMIT_EXCEEDED',
    );
    assert.match(e.message, /^bomb\.dcm, byte \d+: .*maxDecompressedBytes/);
  });

  it('a corrupt deflate stream is BAD_INPUT', async () => {
    const dfl = fixture('pydicom/image_dfl.dcm').slice();
    const end = metaEnd(dfl);
    dfl.fill(0xff, end, end + 16);
    await rejectsWith(readDicomImage(dfl, { fileName: 'corrupt.dcm' }), 'BAD_INPUT');
  });

  it('a zlib-wrapped deflated dataset (a common writer bug) reads like the raw one', async () => {
    const dfl = fixture('pydicom/image_dfl.dcm');
    const end = metaEnd(dfl);
    const wrapped = deflateSync(inflateRawSync(dfl.subarray(end)));
    const bytes = new Uint8Array(end + wrapped.length);
    bytes.set(dfl.subarray(0, end));
    bytes.set(wrapped, end);
    const a = (await readDicomImage(dfl)).images[0].data;
    const b = (await readDicomImage(bytes)).images[0].data;
    assert.deepEqual(b, a);
  });

  it('explicit VR data labelled implicit in the File Meta is read with the syntax its first element shows', async () => {
    const bytes = fixture('pydicom/MR_small.dcm').slice();
    // (0002,0010) '1.2.840.10008.1.2.1' -> '1.2.840.10008.1.2' + NULs (same 20-byte element).
    const at = Buffer.from(bytes).indexOf('1.2.840.10008.1.2.1');
    bytes[at + 17] = 0;
    bytes[at + 18] = 0;
    const f = parseDicom(bytes, { fileName: 'mislabelled.dcm' });
    assert.equal(f.transferSyntaxUid, '1.2.840.10008.1.2.1');
    const v = (await readDicomImage(bytes)).images[0];
    assert.deepEqual(v.data, (await readDicomImage(fixture('pydicom/MR_small.dcm'))).images[0].data);
  });

  it('Number of Frames "1A" (badVR.dcm) is BAD_INPUT naming the attribute', async () => {
    const e = await rejectsWith(readDicomImage(fixture('pydicom/badVR.dcm'), { fileName: 'badVR.dcm' }), 'BAD_INPUT');
    assert.match(e.message, /Number of Frames \(0028,0008\) is '1A'/);
  });

  it('maxPixels applies to one image and to a whole series', async () => {
    await rejectsWith(readDicomImage(fixture('pydicom/MR_small.dcm'), { limits: { maxPixels: 64 * 64 - 1 } }), 'LIMIT_EXCEEDED');
    const files = ['s_a.dcm', 's_b.dcm', 's_c.dcm'].map((name) => ({ name, bytes: fixture(`synthetic/${name}`) }));
    await rejectsWith(readDicomSeries(files, { limits: { maxPixels: 3 * 12 - 1 } }), 'LIMIT_EXCEEDED');
  });

  it('an aborted signal is CANCELLED', async () => {
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(readDicomImage(fixture('pydicom/MR_small.dcm'), { signal: ac.signal }), 'CANCELLED');
  });

  it('parseDicom never throws anything but MedSynthError on byte flips of the header', () => {
    const base = fixture('pydicom/MR_small.dcm');
    for (let at = 128; at < 1200; at += 7) {
      const bytes = base.slice();
      bytes[at] ^= 0xff;
      try {
        parseDicom(bytes, { fileName: 'flip.dcm' });
      } catch (e) {
        assert.ok(e instanceof MedSynthError, `byte ${at}: ${String(e)}`);
      }
    }
  });
});

describe('hostile DICOMDIR offsets', () => {
  const dir = (): Uint8Array => fixture('pydicom/dicomdirtests/DICOMDIR').slice();
  // dcmdump DICOMDIR: the root record (PATIENT) is the item at byte 396; its next-record offset is 3126.
  const nextOfRoot = (bytes: Uint8Array): number => valueOffset(bytes, 0x0004, 0x1400, 'UL', 396);

  it('a record whose next offset points to itself is a loop: BAD_INPUT', () => {
    const bytes = dir();
    new DataView(bytes.buffer).setUint32(nextOfRoot(bytes), 396, true);
    assert.throws(() => readDicomDir(bytes, { fileName: 'loop' }), typed(['BAD_INPUT'], 'loop'));
  });

  it('an offset where no record starts (huge, or inside a record) is BAD_INPUT', () => {
    for (const offset of [0xfffffff0, 397, 11_116]) {
      const bytes = dir();
      new DataView(bytes.buffer).setUint32(nextOfRoot(bytes), offset, true);
      assert.throws(() => readDicomDir(bytes, { fileName: 'dangling' }), typed(['BAD_INPUT'], 'dangling'));
    }
  });

  it('a lower-level offset pointing back to the root is a loop: BAD_INPUT', () => {
    const bytes = dir();
    new DataView(bytes.buffer).setUint32(valueOffset(bytes, 0x0004, 0x1420, 'UL', 396), 396, true);
    assert.throws(() => readDicomDir(bytes, { fileName: 'cycle' }), typed(['BAD_INPUT'], 'cycle'));
  });
});
