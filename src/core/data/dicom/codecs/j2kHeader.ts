// Reads the main header of a JPEG 2000 / HTJ2K codestream (ISO 15444-1 A.5: SIZ, and COD for the
// multiple-component transform) so the image size, components and precision are checked against
// the DICOM geometry before OpenJPEG or OpenJPH allocates for them. A JP2 file wrapped around the
// codestream (some writers put one in DICOM, against PS3.5 A.4.4) is unwrapped to its jp2c box.

import { badInput, MedSynthError } from '../../../errors';

export interface J2kHeader {
  readonly rows: number;
  readonly columns: number;
  readonly components: number;
  readonly precision: number;
  readonly signed: boolean;
  /** the COD marker asks for the inverse RCT/ICT, so three components come out as RGB */
  readonly mct: boolean;
  readonly tiles: number;
  /** the codestream itself (inside the JP2 box when there was one) */
  readonly codestream: Uint8Array;
}

export function readJ2kHeader(data: Uint8Array, fileName: string | undefined): J2kHeader {
  const fail = (what: string, offset: number, expected: string): never => {
    throw badInput(what, { file: fileName, offset, expected });
  };
  const cs = unwrapJp2(data, fileName);
  if (cs.length < 4 || cs[0] !== 0xff || cs[1] !== 0x4f || cs[2] !== 0xff || cs[3] !== 0x51) {
    fail('the frame does not start with a JPEG 2000 codestream (SOC, SIZ)', 0, 'bytes FF 4F FF 51');
  }
  const v = new DataView(cs.buffer, cs.byteOffset, cs.byteLength);
  const lsiz = cs.length >= 6 ? v.getUint16(4) : 0;
  if (lsiz < 41 || 4 + lsiz > cs.length) fail(`JPEG 2000 SIZ segment of ${lsiz} bytes`, 4, 'a SIZ segment inside the frame');
  const u32 = (at: number): number => v.getUint32(at);
  const [xsiz, ysiz, xo, yo, xt, yt, xto, yto] = [8, 12, 16, 20, 24, 28, 32, 36].map((o) => u32(o)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const components = v.getUint16(40);
  if (components < 1 || lsiz !== 38 + 3 * components)
    fail(`JPEG 2000 SIZ declares ${components} components in ${lsiz} bytes`, 40, 'Lsiz = 38 + 3 x Csiz');
  if (!(xo < xsiz && yo < ysiz && xt > 0 && yt > 0 && xto <= xo && yto <= yo && xto + xt > xo && yto + yt > yo)) {
    fail('JPEG 2000 SIZ declares an inconsistent image or tile grid', 8, 'image offset < size, tiles covering the image');
  }
  let precision = 0;
  let signed = false;
  for (let c = 0; c < components; c++) {
    const ssiz = cs[42 + 3 * c]!;
    const dx = cs[43 + 3 * c]!;
    const dy = cs[44 + 3 * c]!;
    const p = (ssiz & 0x7f) + 1;
    if (c === 0) {
      precision = p;
      signed = (ssiz & 0x80) !== 0;
    } else if (p !== precision || ((ssiz & 0x80) !== 0) !== signed) {
      throw new MedSynthError('UNSUPPORTED', 'JPEG 2000 components of different precision or signedness', {
        file: fileName,
        offset: 42 + 3 * c,
      });
    }
    if (dx !== 1 || dy !== 1)
      throw new MedSynthError('UNSUPPORTED', 'JPEG 2000 component subsampling', {
        file: fileName,
        offset: 43 + 3 * c,
        expected: 'XRsiz = YRsiz = 1',
      });
  }
  const tiles = Math.ceil((xsiz - xto) / xt) * Math.ceil((ysiz - yto) / yt);
  return { rows: ysiz - yo, columns: xsiz - xo, components, precision, signed, mct: readMct(cs, 4 + lsiz), tiles, codestream: cs };
}

/** The MCT flag of the main-header COD segment; false when there is none before the first tile. */
function readMct(cs: Uint8Array, start: number): boolean {
  let i = start;
  while (i + 4 <= cs.length && cs[i] === 0xff) {
    const marker = cs[i + 1]!;
    if (marker === 0x90) return false; // SOT: end of the main header
    const length = (cs[i + 2]! << 8) | cs[i + 3]!;
    if (marker === 0x52) return length >= 12 && i + 8 < cs.length && cs[i + 8] !== 0;
    if (length < 2) return false;
    i += 2 + length;
  }
  return false;
}

function unwrapJp2(data: Uint8Array, fileName: string | undefined): Uint8Array {
  const JP2_SIGNATURE = [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20];
  if (data.length < 12 || !JP2_SIGNATURE.every((b, k) => data[k] === b)) return data;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let i = 0;
  while (i + 8 <= data.length) {
    let size = v.getUint32(i);
    const type = String.fromCharCode(...data.subarray(i + 4, i + 8));
    let header = 8;
    if (size === 1) {
      if (i + 16 > data.length) break;
      size = v.getUint32(i + 8) * 2 ** 32 + v.getUint32(i + 12);
      header = 16;
    } else if (size === 0) {
      size = data.length - i;
    }
    if (size < header || i + size > data.length) break;
    if (type === 'jp2c') return data.subarray(i + header, i + size);
    i += size;
  }
  throw badInput('JP2 file without a readable contiguous codestream (jp2c) box', { file: fileName, offset: i, expected: 'a jp2c box' });
}
