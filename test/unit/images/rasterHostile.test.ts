// Broken and hostile PNG and JPEG files: forged sizes, zlib bombs, CRC errors, truncation, variants
// we do not decode. Each must end in the right typed error naming the file, quickly, before a
// buffer of the forged size exists. CRC policy (libpng's): critical chunks are checked, a mismatch
// is BAD_INPUT; ancillary chunks are skipped unchecked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { readRaster } from '../../../src/core/data/raster/rasterReader';
import { rejectsWith } from '../typedErrors';
import { PNG_SIGNATURE, concat, fixture, ihdr, pngChunk, pngChunks } from './imageFixtures';

const MB = 1024 * 1024;
const IEND = pngChunk('IEND', new Uint8Array(0));

async function fastReject(
  bytes: Uint8Array,
  code: string,
  name: string,
  opts: { maxPixels?: number; maxDecompressedBytes?: number } = {},
): Promise<string> {
  const started = performance.now();
  const e = await rejectsWith(readRaster(bytes, { fileName: name, limits: opts }), code);
  assert.ok(performance.now() - started < 2000, 'took more than 2 s');
  assert.ok(e.message.includes(name), e.message);
  return e.message;
}

function png(...chunks: Uint8Array[]): Uint8Array {
  return concat(PNG_SIGNATURE, ...chunks);
}

/** A tiny grey PNG whose IDAT holds `raw` (filter bytes included). */
function greyPng(width: number, height: number, raw: Uint8Array, depth = 8): Uint8Array {
  return png(ihdr(width, height, depth, 0), pngChunk('IDAT', deflateSync(raw)), IEND);
}

/** A JPEG made of a real file's segments with its SOF dimensions (or other bytes) patched. */
function patchedJpeg(patch: (bytes: Uint8Array, sof: number) => void): Uint8Array {
  const bytes = fixture('gray.jpg').slice();
  let sof = -1;
  for (let i = 2; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xc0) {
      sof = i;
      break;
    }
  }
  assert.ok(sof > 0);
  patch(bytes, sof);
  return bytes;
}

describe('hostile PNG', () => {
  it('a forged IHDR of 100000 x 100000 is LIMIT_EXCEEDED before anything is inflated', async () => {
    const msg = await fastReject(
      png(ihdr(100_000, 100_000), pngChunk('IDAT', deflateSync(new Uint8Array(10))), IEND),
      'LIMIT_EXCEEDED',
      'forged.png',
    );
    assert.match(msg, /maxPixels/);
  });

  it('an IDAT zlib bomb stops at the size IHDR implies (BAD_INPUT) or at maxDecompressedBytes (LIMIT_EXCEEDED)', async () => {
    const bomb = deflateSync(new Uint8Array(100 * 1000 * 1000), { level: 9 });
    assert.match(
      await fastReject(png(ihdr(100, 100), pngChunk('IDAT', bomb), IEND), 'BAD_INPUT', 'bomb.png'),
      /inflates to more than the 10100 bytes/,
    );
    // 8000 x 8000 grey fits maxPixels, but its 64 MB of scanlines pass a 10 MB decompression cap.
    assert.match(
      await fastReject(png(ihdr(8000, 8000), pngChunk('IDAT', bomb), IEND), 'LIMIT_EXCEEDED', 'big.png', { maxDecompressedBytes: 10 * MB }),
      /maxDecompressedBytes/,
    );
  });

  it('CRC errors in critical chunks are BAD_INPUT with the offset; in ancillary chunks they are ignored', async () => {
    const good = fixture('microaneurysms.png');
    const idat = pngChunks(good).find((c) => c.type === 'IDAT');
    assert.ok(idat);
    const bad = good.slice();
    bad[idat.at + 8 + idat.length] ^= 0xff;
    assert.match(
      await fastReject(bad, 'BAD_INPUT', 'crc.png'),
      new RegExp(`crc\\.png, byte ${idat.at + 8 + idat.length}: CRC mismatch in the IDAT chunk`),
    );
    const raw = Uint8Array.of(0, 1, 2, 0, 3, 4);
    const withText = png(ihdr(2, 2), pngChunk('tEXt', new TextEncoder().encode('a\0b'), true), pngChunk('IDAT', deflateSync(raw)), IEND);
    assert.deepEqual(Array.from((await readRaster(withText)).images[0].data), [1, 2, 3, 4]);
  });

  it('truncated files, short image data, bad filters and out-of-palette indices are BAD_INPUT', async () => {
    const good = fixture('camera.png');
    await fastReject(good.subarray(0, good.length / 2), 'BAD_INPUT', 'half.png');
    await fastReject(good.subarray(0, 20), 'BAD_INPUT', 'head.png');
    assert.match(await fastReject(greyPng(4, 4, new Uint8Array(10)), 'BAD_INPUT', 'short.png'), /truncated: 10 of 20 bytes/);
    assert.match(await fastReject(greyPng(2, 1, Uint8Array.of(9, 1, 2)), 'BAD_INPUT', 'filter.png'), /filter type 9/);
    const palette = png(
      ihdr(2, 1, 8, 3),
      pngChunk('PLTE', Uint8Array.of(1, 2, 3)),
      pngChunk('IDAT', deflateSync(Uint8Array.of(0, 0, 1))),
      IEND,
    );
    assert.match(await fastReject(palette, 'BAD_INPUT', 'pal.png'), /palette index 1/);
    await fastReject(png(ihdr(2, 1, 8, 3), pngChunk('IDAT', deflateSync(Uint8Array.of(0, 0, 0))), IEND), 'BAD_INPUT', 'noplte.png');
    const hugeChunk = png(ihdr(1, 1), Uint8Array.of(0xff, 0xff, 0xff, 0xf0, 0x49, 0x44, 0x41, 0x54, 0, 0, 0, 0));
    assert.match(await fastReject(hugeChunk, 'BAD_INPUT', 'chunk.png'), /beyond the end of the file/);
  });

  it('bad IHDR fields are BAD_INPUT; an unknown critical chunk UNSUPPORTED', async () => {
    await fastReject(png(ihdr(0, 5), IEND), 'BAD_INPUT', 'zero.png');
    await fastReject(png(ihdr(5, 5, 3, 0), IEND), 'BAD_INPUT', 'depth.png');
    await fastReject(png(ihdr(5, 5, 8, 5), IEND), 'BAD_INPUT', 'colour.png');
    await fastReject(png(ihdr(5, 5, 8, 0, 2), IEND), 'BAD_INPUT', 'interlace.png');
    await fastReject(png(pngChunk('IDAT', new Uint8Array(1)), IEND), 'BAD_INPUT', 'noihdr.png');
    await fastReject(
      png(ihdr(1, 1), pngChunk('ABCD', new Uint8Array(0)), pngChunk('IDAT', deflateSync(Uint8Array.of(0, 0))), IEND),
      'UNSUPPORTED',
      'crit.png',
    );
  });
});

describe('hostile JPEG', () => {
  it('a SOF of 65535 x 65535 is LIMIT_EXCEEDED before jpeg-js sees it', async () => {
    const forged = patchedJpeg((b, sof) => b.set([0xff, 0xff, 0xff, 0xff], sof + 5));
    assert.match(await fastReject(forged, 'LIMIT_EXCEEDED', 'sof.jpg'), /maxPixels/);
    // Within the default cap but beyond a small one: the same answer from our SOF check.
    const medium = patchedJpeg((b, sof) => b.set([0x10, 0x00, 0x10, 0x00], sof + 5));
    await fastReject(medium, 'LIMIT_EXCEEDED', 'medium.jpg', { maxPixels: 1_000_000 });
    // Within every cap, but 4 KB of scan data cannot code the 250000 blocks of 4000 x 4000 (each
    // block's DC code takes at least a bit): refused before jpeg-js allocates 64 MB of blocks.
    const short = patchedJpeg((b, sof) => b.set([0x0f, 0xa0, 0x0f, 0xa0], sof + 5));
    assert.match(await fastReject(short, 'BAD_INPUT', 'forged.jpg'), /cannot code the 250000 blocks of a 4000x4000 frame/);
  });

  it('truncated JPEGs are BAD_INPUT (skimage truncated.jpg, and a real file cut in its scan)', async () => {
    await fastReject(fixture('truncated.jpg'), 'BAD_INPUT', 'truncated.jpg');
    const rocket = fixture('rocket.jpg');
    assert.match(await fastReject(rocket.subarray(0, rocket.length - 5000), 'BAD_INPUT', 'cut.jpg'), /without EOI/);
  });

  it('CMYK, lossless, arithmetic and 12-bit JPEG are UNSUPPORTED', async () => {
    assert.match(await fastReject(fixture('cmyk.jpg'), 'UNSUPPORTED', 'cmyk.jpg'), /CMYK/);
    assert.match(
      await fastReject(
        patchedJpeg((b, sof) => (b[sof + 1] = 0xc3)),
        'UNSUPPORTED',
        'lossless.jpg',
      ),
      /lossless/,
    );
    assert.match(
      await fastReject(
        patchedJpeg((b, sof) => (b[sof + 1] = 0xc9)),
        'UNSUPPORTED',
        'arith.jpg',
      ),
      /arithmetic/,
    );
    assert.match(
      await fastReject(
        patchedJpeg((b, sof) => (b[sof + 4] = 12)),
        'UNSUPPORTED',
        'twelve.jpg',
      ),
      /12-bit/,
    );
  });

  it('garbage scan data or a broken table is BAD_INPUT from the wrapped jpeg-js error, never a crash', async () => {
    const bytes = fixture('gray.jpg');
    let sos = bytes.length - 1;
    for (let i = 2; i + 1 < bytes.length; i++) if (bytes[i] === 0xff && bytes[i + 1] === 0xda) sos = i;
    const garbage = bytes.slice();
    for (let i = sos + 20; i < garbage.length - 2; i++) garbage[i] = (i * 37) & 0xfe;
    const e = await readRaster(garbage, { fileName: 'garbage.jpg' }).then(
      (set) => set,
      (err: unknown) => err,
    );
    if (!('images' in (e as object))) assert.equal((e as { code?: string }).code, 'BAD_INPUT');
    const noSof = concat(Uint8Array.of(0xff, 0xd8), Uint8Array.of(0xff, 0xd9));
    await fastReject(noSof, 'BAD_INPUT', 'nosof.jpg');
  });

  it('an aborted signal is CANCELLED for PNG and JPEG', async () => {
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(readRaster(fixture('camera.png'), { signal: ac.signal }), 'CANCELLED');
    await rejectsWith(readRaster(fixture('rocket.jpg'), { signal: ac.signal }), 'CANCELLED');
  });

  it('neither PNG nor JPEG is BAD_INPUT', async () => {
    await fastReject(fixture('anatomical.nii'), 'BAD_INPUT', 'x.png');
    await fastReject(new Uint8Array(0), 'BAD_INPUT', 'empty.jpg');
  });
});
