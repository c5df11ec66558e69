// Fuzz target `jpeg`: readRaster on JPEG bytes (our marker walk, then jpeg-js). Seeds are the JPEG
// fixtures in test/fixtures/images/; structured cases forge the SOF (65535 x 65535, zero sizes,
// component counts, sampling factors, precision), segment lengths, SOS parameters (progressive
// spectral selection and successive approximation), restart intervals, and add marker soup and
// thousands of APPn segments.
import { readRaster } from '../../../src/core/data/raster/rasterReader';
import type { FuzzRandom } from '../random';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';
import { FUZZ_LIMITS, checkImageSet, loadFixtures } from './png';

interface Segment {
  readonly marker: number;
  /** Offset of the FF of the marker. */
  readonly at: number;
  readonly length: number;
}

/** Marker segments before the first SOS (where the structure is simple). */
function segmentsOf(b: Uint8Array): Segment[] {
  const out: Segment[] = [];
  let at = 2;
  while (at + 4 <= b.length && b[at] === 0xff) {
    const marker = b[at + 1];
    const length = (b[at + 2] << 8) | b[at + 3];
    out.push({ marker, at, length });
    if (marker === 0xda) break;
    at += 2 + length;
  }
  return out;
}

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at), 0);
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

export function buildJpegStructured(rng: FuzzRandom, base: Uint8Array): Built {
  const segs = segmentsOf(base);
  const sof = segs.find((s) => s.marker >= 0xc0 && s.marker <= 0xc2);
  const sos = segs.find((s) => s.marker === 0xda);
  if (!sof || rng.chance(0.08)) return { bytes: base.slice(0, rng.below(base.length)), how: ['truncated'] };
  const b = base.slice();
  const body = sof.at + 4;
  switch (rng.below(9)) {
    case 0: {
      const h = rng.pick([0, 1, 8, 4096, 65_535]);
      const w = rng.pick([0, 1, 9, 4096, 65_535]);
      b.set([h >> 8, h & 255, w >> 8, w & 255], body + 1);
      return { bytes: b, how: [`sofSize:${w}x${h}`] };
    }
    case 1: {
      const field = rng.below(3);
      if (field === 0) b[body] = rng.pick([0, 8, 12, 16, 255]);
      else if (field === 1) b[body + 5] = rng.pick([0, 1, 2, 3, 4, 255]);
      else b[body + 7 + 3 * rng.below(Math.max(1, b[body + 5]))] = rng.pick([0x00, 0x11, 0x22, 0x44, 0x55, 0xff, 0x12, 0x41]);
      return { bytes: b, how: [`sofField:${field}`] };
    }
    case 2: {
      const s = rng.pick(segs);
      const v = rng.pick([0, 1, 2, s.length + 1, Math.max(0, s.length - 1), 0xffff]);
      b.set([v >> 8, v & 255], s.at + 2);
      return { bytes: b, how: [`segmentLength:${s.marker.toString(16)}=${v}`] };
    }
    case 3: {
      if (!sos) break;
      // SOS: Ns, Ns x (id, tables), Ss, Se, Ah/Al.
      const ns = b[sos.at + 4];
      const p = sos.at + 5 + 2 * ns;
      const which = rng.below(4);
      if (which === 0) b[p] = rng.pick([0, 1, 63, 64, 255]);
      else if (which === 1) b[p + 1] = rng.pick([0, 5, 63, 64, 255]);
      else if (which === 2) b[p + 2] = rng.pick([0x00, 0x01, 0x10, 0xff, 0x0d, 0xd0]);
      else b[sos.at + 5 + 2 * rng.below(Math.max(1, ns))] = rng.pick([0, 1, 2, 3, 0x52, 255]);
      return { bytes: b, how: [`sos:${which}`] };
    }
    case 4: {
      const interval = rng.pick([0, 1, 2, 65_535]);
      const dri = Uint8Array.of(0xff, 0xdd, 0, 4, interval >> 8, interval & 255);
      return { bytes: splice(base, sof.at, 0, dri), how: [`dri:${interval}`] };
    }
    case 5: {
      const soup = [0xc3, 0xc9, 0xdc, 0xd0, 0xd9, 0xda, 0xc4, 0xdb, 0xff, 0x00, 0x01, 0xde, 0xf0];
      const n = 1 + rng.size(8);
      const ins = new Uint8Array(2 * n).map((_, i) => (i % 2 === 0 ? 0xff : rng.pick(soup)));
      const at = rng.chance(0.5) ? sof.at : 2 + rng.below(Math.max(1, base.length - 2));
      return { bytes: splice(base, at, 0, ins), how: [`markerSoup@${at}`] };
    }
    case 6: {
      const n = rng.pick([1000, 30_000, 100_000]);
      const app = Uint8Array.of(0xff, 0xe5, 0, 2);
      const ins = new Uint8Array(4 * n).map((_, i) => app[i % 4]);
      return { bytes: splice(base, 2, 0, ins), how: [`manyApp:${n}`] };
    }
    case 7: {
      // Garbage inside a table (DHT/DQT) or the scan data.
      const s = rng.pick(segs);
      const from = s.at + 4 + rng.below(Math.max(1, s.length));
      for (let i = 0, n = 1 + rng.size(64); i < n && from + i < b.length; i++) b[from + i] = rng.pick([0x00, 0xff, 0x10, rng.below(256)]);
      return { bytes: b, how: [`garbage:${s.marker.toString(16)}@${from}`] };
    }
    default: {
      const at = sos ? sos.at + rng.below(Math.max(1, b.length - sos.at)) : rng.below(b.length);
      b[at] ^= 1 << rng.below(8);
      return { bytes: b, how: [`bitFlip@${at}`] };
    }
  }
  return { bytes: base.slice(0, rng.below(base.length)), how: ['truncated'] };
}

export const jpegTarget: FuzzTargetSpec = {
  name: 'jpeg',
  extension: 'jpg',
  loadCorpus: () => loadFixtures((n) => n.endsWith('.jpg')),
  buildStructured: buildJpegStructured,
  async execute(bytes) {
    const set = await readRaster(bytes, { fileName: 'fuzz.jpg', limits: FUZZ_LIMITS });
    checkImageSet(set, { min: 0, max: 255 });
    return 'ok';
  },
};
