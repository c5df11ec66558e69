// The fast paths of the PNG and NIfTI readers against plain reference computations: every PNG
// filter type at every bytes-per-pixel, and gzipped volumes large enough to arrive in several
// chunks (converted while the stream is still inflating) giving exactly the values and window of
// the same volume read uncompressed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { readNifti } from '../../../src/core/data/nifti/niftiReader';
import { readRaster } from '../../../src/core/data/raster/rasterReader';
import { rangeWindow } from '../../../src/core/data/raster/valueWindows';
import { concat, ihdr, nifti1Header, pngChunk } from './imageFixtures';

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filters one scanline as the PNG spec defines it (the encoder side). */
function filterLine(type: number, line: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(line.length);
  for (let i = 0; i < line.length; i++) {
    const a = i >= bpp ? line[i - bpp] : 0;
    const b = prev[i];
    const c = i >= bpp ? prev[i - bpp] : 0;
    const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type];
    out[i] = (line[i] - pred) & 0xff;
  }
  return out;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

describe('reader fast paths', () => {
  it('PNG: every filter type at 1 to 8 bytes per pixel decodes to the stored samples', async () => {
    const rnd = random(7);
    const kinds: [colorType: number, depth: number, samples: number, channels: number][] = [
      [0, 8, 1, 1],
      [4, 8, 2, 1],
      [2, 8, 3, 3],
      [6, 8, 4, 3],
      [0, 16, 1, 1],
      [4, 16, 2, 1],
      [2, 16, 3, 3],
      [6, 16, 4, 3],
    ];
    for (const [colorType, depth, samples, channels] of kinds) {
      const width = 37;
      const height = 23;
      const bpp = (samples * depth) / 8;
      const lineBytes = width * bpp;
      const lines: Uint8Array[] = [];
      const raw: Uint8Array[] = [];
      let prev = new Uint8Array(lineBytes);
      for (let y = 0; y < height; y++) {
        // Smooth-ish rows with noise, so Sub, Up, Average and Paeth all pick each of their branches.
        const line = Uint8Array.from({ length: lineBytes }, (_, i) => (y * 7 + i * 3 + Math.floor(rnd() * 40)) & 0xff);
        const type = y % 5;
        lines.push(Uint8Array.of(type), filterLine(type, line, prev, bpp));
        raw.push(line);
        prev = line;
      }
      const file = concat(
        SIGNATURE,
        ihdr(width, height, depth, colorType),
        pngChunk('IDAT', deflateSync(concat(...lines))),
        pngChunk('IEND', new Uint8Array(0)),
      );
      const v = (await readRaster(file, { fileName: `k${colorType}-${depth}.png` })).images[0];
      const expected = new Float32Array(width * height * channels);
      raw.forEach((line, y) => {
        for (let x = 0; x < width; x++) {
          for (let c = 0; c < channels; c++) {
            const s = (x * samples + c) * (depth / 8);
            expected[(y * width + x) * channels + c] = depth === 16 ? (line[s] << 8) | line[s + 1] : line[s];
          }
        }
      });
      assert.deepEqual(v.data, expected, `colour type ${colorType}, depth ${depth}`);
      assert.deepEqual(v.windows, rangeWindow(expected));
    }
  });

  it('NIfTI: a multi-chunk .nii.gz, and a pair with an .img.gz, give exactly the uncompressed values and window', async () => {
    const dims = [128, 96, 48]; // 1.1 MiB of int16 voxels: several gunzip chunks
    const slope = 1.0436995029449463;
    const inter = 27179.21875;
    const voxels = dims[0] * dims[1] * dims[2];
    const rnd = random(11);
    const stored = Int16Array.from({ length: voxels }, (_, i) => ((i % 2000) - 1000) * 16 + Math.floor(rnd() * 16));
    const data = new Uint8Array(stored.buffer);
    for (const littleEndian of [true, false]) {
      const bytes = new Uint8Array(data.length);
      const view = new DataView(bytes.buffer);
      stored.forEach((s, i) => view.setInt16(2 * i, s, littleEndian));
      const nii = concat(nifti1Header({ dims, datatype: 4, bitpix: 16, sclSlope: slope, sclInter: inter, littleEndian }), bytes);
      const plain = (await readNifti(nii, { fileName: 'v.nii' })).images[0];
      const expected = Float32Array.from(stored, (s) => s * Math.fround(slope) + Math.fround(inter));
      assert.deepEqual(plain.data, expected);
      const gz = (await readNifti(gzipSync(nii), { fileName: 'v.nii.gz' })).images[0];
      assert.deepEqual(gz.data, expected);
      assert.deepEqual(gz.windows, plain.windows);
      const hdr = nifti1Header({
        dims,
        datatype: 4,
        bitpix: 16,
        sclSlope: slope,
        sclInter: inter,
        littleEndian,
        magic: 'ni1',
        voxOffset: 0,
      });
      const img = gzipSync(bytes);
      const pair = (await readNifti(gzipSync(hdr), { fileName: 'p.hdr.gz', siblings: async () => img })).images[0];
      assert.deepEqual(pair.data, expected);
      assert.deepEqual(pair.windows, plain.windows);
    }
  });
});
