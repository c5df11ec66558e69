// Fuzz target `nifti`: readNifti on .nii and .nii.gz bytes, with a sibling reader that refuses (so a
// pair header ends in BAD_INPUT). Seeds are the NIfTI-1/NIfTI-2 fixtures in test/fixtures/images/;
// structured cases forge the header (dims up to 32767^7 or negative, dim[0] out of range, datatypes,
// vox_offset, scl_slope/scl_inter, endianness, magic) of the raw or gunzipped file and re-gzip it
// half the time, build gzip bombs behind valid headers, and truncate or split gzip members.
import { gunzipSync, gzipSync } from 'node:zlib';
import { badInput } from '../../../src/core/errors';
import { readNifti } from '../../../src/core/data/nifti/niftiReader';
import type { FuzzRandom } from '../random';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';
import { FUZZ_LIMITS, checkImageSet, loadFixtures } from './png';

interface Layout {
  readonly v1: boolean;
  readonly le: boolean;
}

function layoutOf(raw: Uint8Array): Layout | undefined {
  if (raw.length < 4) return undefined;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (const le of [true, false]) {
    const size = v.getInt32(0, le);
    if (size === 348) return { v1: true, le };
    if (size === 540 && raw.length >= 540) return { v1: false, le };
  }
  return undefined;
}

function setDim(v: DataView, l: Layout, i: number, d: number): void {
  if (l.v1) v.setInt16(40 + 2 * i, Math.max(-32768, Math.min(32767, d)), l.le);
  else v.setBigInt64(16 + 8 * i, BigInt(Math.trunc(d)), l.le);
}

function setFloat(v: DataView, l: Layout, v1At: number, v2At: number, x: number): void {
  if (l.v1) v.setFloat32(v1At, x, l.le);
  else v.setFloat64(v2At, x, l.le);
}

function gunzipped(base: Uint8Array): { raw: Uint8Array; gz: boolean } {
  if (base[0] === 0x1f && base[1] === 0x8b) {
    try {
      return { raw: new Uint8Array(gunzipSync(base)), gz: true };
    } catch {
      return { raw: base.slice(), gz: false };
    }
  }
  return { raw: base.slice(), gz: false };
}

export function buildNiftiStructured(rng: FuzzRandom, base: Uint8Array): Built {
  const { raw, gz } = gunzipped(base);
  const l = layoutOf(raw);
  if (!l || rng.chance(0.06)) return { bytes: base.slice(0, rng.below(base.length)), how: ['truncated'] };
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const how: string[] = [];
  let out = raw;
  switch (rng.below(8)) {
    case 0: {
      const n = rng.between(-1, 8);
      setDim(v, l, 0, n);
      for (let i = 1; i <= 7; i++) if (rng.chance(0.5)) setDim(v, l, i, rng.pick([-1, 0, 1, 2, 255, 32767, -32768, 2 ** 31, 2 ** 40]));
      how.push(`dims:${n}`);
      break;
    }
    case 1: {
      const code = rng.pick([0, 1, 2, 4, 8, 16, 32, 64, 128, 255, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2304, 7, -1]);
      v.setInt16(l.v1 ? 70 : 12, code, l.le);
      if (rng.chance(0.5)) v.setInt16(l.v1 ? 72 : 14, rng.pick([0, 1, 8, 24, 32, 64, 128, -1]), l.le);
      how.push(`datatype:${code}`);
      break;
    }
    case 2: {
      const off = rng.pick([
        0,
        1,
        347,
        348,
        351,
        352,
        352.5,
        539,
        544,
        raw.length,
        raw.length + 1,
        1e9,
        -352,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        2 ** 40,
      ]);
      if (l.v1) v.setFloat32(108, off, l.le);
      else v.setBigInt64(168, BigInt(Number.isFinite(off) ? Math.trunc(off) : -1), l.le);
      how.push(`voxOffset:${off}`);
      break;
    }
    case 3: {
      const pick = (): number =>
        rng.pick([0, -0, 1, -1, 0.5, 1e38, -1e38, 1e-45, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      const slope = pick();
      const inter = pick();
      setFloat(v, l, 112, 176, slope);
      setFloat(v, l, 116, 184, inter);
      how.push(`scl:${slope}/${inter}`);
      break;
    }
    case 4: {
      // A gzip bomb behind a valid header: the header declares `declared` bytes, zeros follow.
      const zeros = rng.pick([1_000_000, 20_000_000, 70_000_000]);
      const header = raw.slice(0, l.v1 ? 352 : 544);
      const hv = new DataView(header.buffer);
      const side = rng.pick([16, 256, 1000, 4000]);
      setDim(hv, l, 0, 3);
      [side, side, rng.pick([1, 4, 64])].forEach((d, i) => setDim(hv, l, i + 1, d));
      hv.setInt16(l.v1 ? 70 : 12, 2, l.le);
      if (l.v1) hv.setFloat32(108, 352, l.le);
      else hv.setBigInt64(168, 544n, l.le);
      const body = new Uint8Array(header.length + zeros);
      body.set(header);
      return { bytes: gzipSync(body, { level: 9 }), how: [`gzipBomb:${side}x${side}:${zeros}`] };
    }
    case 5: {
      const g = gzipSync(raw);
      const cut = rng.below(g.length);
      const pieces = rng.chance(0.5)
        ? [g.subarray(0, cut)]
        : [
            gzipSync(raw.subarray(0, cut % raw.length)),
            gzipSync(raw.subarray(cut % raw.length)),
            rng.chance(0.5) ? Uint8Array.of(0x1f, 0x8b, 8) : new Uint8Array(0),
          ];
      const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of pieces) {
        bytes.set(p, at);
        at += p.length;
      }
      return { bytes, how: ['gzipMembers'] };
    }
    case 6: {
      // Swap the byte order of sizeof_hdr only, or break the magic.
      if (rng.chance(0.5)) v.setInt32(0, l.v1 ? 348 : 540, !l.le);
      else raw[l.v1 ? 344 + rng.below(4) : 4 + rng.below(8)] = rng.pick([0x00, 0x3f, 0x6e, 0x2b, 0x69]);
      how.push('orderOrMagic');
      break;
    }
    default: {
      for (let i = 1; i <= 7; i++)
        setFloat(v, l, 76 + 4 * i, 104 + 8 * i, rng.pick([0, -2, 1e-40, 1e38, Number.NaN, Number.POSITIVE_INFINITY, 2]));
      raw[l.v1 ? 123 : 500] = rng.below(256);
      out = raw.subarray(0, rng.chance(0.5) ? raw.length : rng.below(raw.length));
      how.push('pixdimUnits');
    }
  }
  const zip = gz ? !rng.chance(0.2) : rng.chance(0.3);
  return { bytes: zip ? gzipSync(out) : out, how: [...how, zip ? 'gz' : 'raw'] };
}

const INTEGER_TYPES = new Set(['UINT8', 'INT8', 'INT16', 'UINT16', 'INT32', 'UINT32', 'INT64', 'UINT64', 'RGB24', 'RGBA32']);

export const niftiTarget: FuzzTargetSpec = {
  name: 'nifti',
  extension: 'nii',
  loadCorpus: () => loadFixtures((n) => n.endsWith('.nii') || n.endsWith('.nii.gz')),
  buildStructured: buildNiftiStructured,
  async execute(bytes) {
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
    const set = await readNifti(bytes, {
      fileName: gz ? 'fuzz.nii.gz' : 'fuzz.nii',
      limits: FUZZ_LIMITS,
      siblings: async (name) => {
        throw badInput(`no sibling files while fuzzing (asked for ${name})`);
      },
    });
    const v = set.images[0];
    // Scaled integers stay finite unless slope x value overflows float32, which the header may ask for.
    const finite = v !== undefined && INTEGER_TYPES.has(String(v.metadata.datatype)) && v.metadata.sclSlope === undefined;
    checkImageSet(set, undefined, finite);
    return 'ok';
  },
};
