// Fuzz target `png`: readRaster on PNG bytes. Seeds are the PNG fixtures in test/fixtures/images/;
// structured cases forge IHDR (huge or zero sizes, bad depth/colour/interlace, with the CRC fixed so
// the forgery gets past the CRC check), swap IDAT for a zlib bomb or for re-deflated scanlines with
// damaged filter bytes, lie in chunk lengths, drop PLTE, and pile up thousands of tiny chunks.
// Also exports the ImageSet invariants the nifti and jpeg targets share.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import type { ImageSet } from '../../../src/core/data/imageSet';
import { readRaster } from '../../../src/core/data/raster/rasterReader';
import type { FuzzRandom } from '../random';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';
import { concatAll } from '../bytes';

export const IMAGES_DIR = join(__dirname, '..', '..', 'fixtures', 'images');
/** Caps for fuzzing: small enough that an accepted forgery stays far below the worker's memory bound. */
export const FUZZ_LIMITS = { maxPixels: 1 << 22, maxDecompressedBytes: 64 * 1024 * 1024 } as const;

/** Throws (a bug) when a returned ImageSet breaks the model's invariants. */
export function checkImageSet(set: ImageSet, range?: { min: number; max: number }, finite = true): void {
  const fail = (what: string): never => {
    throw new Error(`invalid ImageSet: ${what}`);
  };
  if (set.modality !== 'image' || set.images.length !== 1) fail('not one image');
  for (const v of set.images) {
    for (const [k, n] of [
      ['frames', v.frames],
      ['rows', v.rows],
      ['columns', v.columns],
    ] as const)
      if (!(Number.isSafeInteger(n) && n >= 1)) fail(`${k} ${n}`);
    if (v.channels !== 1 && v.channels !== 3) fail(`channels ${String(v.channels)}`);
    if (v.data.length !== v.frames * v.rows * v.columns * v.channels)
      fail(`${v.data.length} values for ${v.frames}x${v.rows}x${v.columns}x${v.channels}`);
    if (v.data.length > FUZZ_LIMITS.maxPixels) fail(`${v.data.length} values, beyond maxPixels`);
    if (finite || range) {
      for (let i = 0; i < v.data.length; i++) {
        const x = v.data[i];
        if (!Number.isFinite(x) || (range && (x < range.min || x > range.max))) fail(`value ${i} = ${x}`);
      }
    }
    if (v.spacing)
      for (const [k, s] of Object.entries(v.spacing)) if (s !== undefined && !(s > 0 && Number.isFinite(s))) fail(`spacing.${k} ${s}`);
    for (const w of v.windows)
      if (!Number.isFinite(w.center) || !(w.width > 0 && Number.isFinite(w.width))) fail(`window ${JSON.stringify(w)}`);
    for (const [k, m] of Object.entries(v.metadata)) if (typeof m === 'number' && Number.isNaN(m)) fail(`metadata ${k} NaN`);
  }
}

// ---- PNG chunk surgery ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of bytes) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  data: Uint8Array;
}

function chunksOf(bytes: Uint8Array): Chunk[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Chunk[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = v.getUint32(at);
    if (at + 12 + length > bytes.length) break;
    out.push({ type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), data: bytes.slice(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

function encodeChunk(c: Chunk): Uint8Array {
  const out = new Uint8Array(12 + c.data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, c.data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = c.type.charCodeAt(i) & 0xff;
  out.set(c.data, 8);
  v.setUint32(8 + c.data.length, crc32(out.subarray(4, 8 + c.data.length)));
  return out;
}

function assemble(chunks: readonly Chunk[]): Uint8Array {
  return concatAll([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), ...chunks.map(encodeChunk)]);
}

function idatOf(chunks: readonly Chunk[]): Uint8Array {
  try {
    return new Uint8Array(inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data))));
  } catch {
    return new Uint8Array(0);
  }
}

function withIdat(chunks: readonly Chunk[], raw: Uint8Array): Chunk[] {
  const out = chunks.filter((c) => c.type !== 'IDAT');
  const end = out.findIndex((c) => c.type === 'IEND');
  out.splice(end < 0 ? out.length : end, 0, { type: 'IDAT', data: new Uint8Array(deflateSync(raw)) });
  return out;
}

export function buildPngStructured(rng: FuzzRandom, base: Uint8Array): Built {
  const chunks = chunksOf(base);
  const head = chunks.find((c) => c.type === 'IHDR');
  if (!head || head.data.length !== 13 || rng.chance(0.08)) return { bytes: base.slice(0, rng.below(base.length)), how: ['truncated'] };
  const hv = new DataView(head.data.buffer, head.data.byteOffset, 13);
  switch (rng.below(11)) {
    case 0: {
      const w = rng.pick([0, 1, 65_535, 100_000, 0x7fffffff, 0x80000000, 0xffffffff, hv.getUint32(0) + 1]);
      const h = rng.pick([0, 1, 65_535, 100_000, 0x7fffffff, 0xffffffff, hv.getUint32(4) * 2]);
      hv.setUint32(0, w);
      hv.setUint32(4, h);
      return { bytes: assemble(chunks), how: [`ihdrSize:${w}x${h}`] };
    }
    case 1: {
      head.data[8] = rng.pick([0, 1, 2, 3, 4, 8, 16, 32]);
      head.data[9] = rng.pick([0, 1, 2, 3, 4, 6, 7]);
      if (rng.chance(0.5)) head.data[12] = rng.pick([0, 1, 2]);
      return { bytes: assemble(chunks), how: [`ihdrFormat:${head.data[8]}/${head.data[9]}/${head.data[12]}`] };
    }
    case 2: {
      const n = rng.pick([1000, 1_000_000, 20_000_000, 80_000_000]);
      if (rng.chance(0.5)) {
        hv.setUint32(0, rng.pick([1000, 2048, 4000]));
        hv.setUint32(4, rng.pick([1000, 2048, 4000]));
      }
      return { bytes: assemble(withIdat(chunks, new Uint8Array(n))), how: [`idatBomb:${n}`] };
    }
    case 3: {
      const raw = idatOf(chunks);
      const damaged = raw.slice(0, rng.chance(0.3) ? rng.below(raw.length + 1) : raw.length);
      for (let k = 0, n = 1 + rng.size(20); k < n && damaged.length > 0; k++)
        damaged[rng.below(damaged.length)] = rng.pick([5, 255, 4, 0, rng.below(256)]);
      return { bytes: assemble(withIdat(chunks, damaged)), how: ['scanlineDamage'] };
    }
    case 4: {
      const bytes = base.slice();
      const v = new DataView(bytes.buffer);
      let at = 8;
      const target = rng.below(chunks.length);
      for (let i = 0; i < target && at + 12 <= bytes.length; i++) at += 12 + v.getUint32(at);
      if (at + 4 <= bytes.length)
        v.setUint32(at, rng.pick([0, 1, 0x7fffffff, 0x80000000, 0xffffffff, v.getUint32(at) + 1, Math.max(0, v.getUint32(at) - 1)]));
      return { bytes, how: [`chunkLength@${at}`] };
    }
    case 5: {
      const out = chunks.filter((c) => c.type !== 'PLTE' || rng.chance(0.3));
      const plte = out.find((c) => c.type === 'PLTE');
      if (plte) plte.data = plte.data.slice(0, 3 * rng.below(plte.data.length / 3));
      if (rng.chance(0.5)) head.data[9] = 3;
      return { bytes: assemble(out), how: ['palette'] };
    }
    case 6: {
      const n = rng.pick([1000, 50_000, 200_000]);
      const filler = Array.from({ length: n }, () => ({
        type: rng.pick(['tEXt', 'zzZz', 'acTL', 'IDAT']),
        data: new Uint8Array(rng.below(3)),
      }));
      const at = 1 + rng.below(Math.max(1, chunks.length - 1));
      return { bytes: assemble(chunks.slice(0, at).concat(filler, chunks.slice(at))), how: [`manyChunks:${n}`] };
    }
    case 7: {
      head.data[12] ^= 1;
      return { bytes: assemble(chunks), how: ['toggleInterlace'] };
    }
    default: {
      // Damage inside one chunk, CRC recomputed, so the damage reaches the decoder (byte mutations
      // mostly stop at the CRC check).
      const c = rng.pick(chunks);
      for (let k = 0, n = 1 + rng.size(16); k < n && c.data.length > 0; k++) c.data[rng.below(c.data.length)] ^= 1 << rng.below(8);
      return { bytes: assemble(chunks), how: [`chunkDamage:${c.type}`] };
    }
  }
}

export async function loadFixtures(match: (name: string) => boolean): Promise<Uint8Array[]> {
  const names = (await readdir(IMAGES_DIR)).filter(match).sort();
  return Promise.all(names.map(async (n) => new Uint8Array(await readFile(join(IMAGES_DIR, n)))));
}

export const pngTarget: FuzzTargetSpec = {
  name: 'png',
  extension: 'png',
  loadCorpus: () => loadFixtures((n) => n.endsWith('.png')),
  buildStructured: buildPngStructured,
  async execute(bytes) {
    const set = await readRaster(bytes, { fileName: 'fuzz.png', limits: FUZZ_LIMITS });
    checkImageSet(set, { min: 0, max: 65_535 });
    return 'ok';
  },
};
