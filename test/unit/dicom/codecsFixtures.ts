// Reads a codec fixture with dicom-parser (a library, not our code under test): the geometry, the
// transfer syntax and the encapsulated fragments, so the codec tests exercise only the codecs module.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import type { EncapsulatedPixelData, FrameGeometry } from '../../../src/core/data/dicom/codecs/frameDecoder';

export const CODEC_FIXTURES = join(__dirname, '../../fixtures/dicom/codecs');

export interface CodecFixture {
  readonly transferSyntax: string;
  readonly geometry: FrameGeometry;
  readonly numberOfFrames: number;
  readonly data: EncapsulatedPixelData;
}

export function readCodecFixture(name: string): CodecFixture {
  const bytes = new Uint8Array(readFileSync(join(CODEC_FIXTURES, name)));
  const ds = dicomParser.parseDicom(bytes);
  const el = ds.elements['x7fe00010'];
  if (!el?.fragments || !el.basicOffsetTable) throw new Error(`${name}: no encapsulated Pixel Data`);
  const u16 = (tag: string): number => {
    const v = ds.uint16(tag);
    if (v === undefined) throw new Error(`${name}: ${tag} missing`);
    return v;
  };
  return {
    transferSyntax: ds.string('x00020010') ?? '',
    geometry: {
      rows: u16('x00280010'),
      columns: u16('x00280011'),
      samplesPerPixel: u16('x00280002'),
      bitsAllocated: u16('x00280100'),
      bitsStored: u16('x00280101'),
      pixelRepresentation: u16('x00280103') === 1 ? 1 : 0,
      planarConfiguration: ds.uint16('x00280006') === 1 ? 1 : 0,
      photometricInterpretation: ds.string('x00280004') ?? '',
    },
    numberOfFrames: Number(ds.string('x00280008') ?? '1') || 1,
    data: {
      basicOffsetTable: el.basicOffsetTable,
      fragments: el.fragments.map((f) => bytes.subarray(f.position, f.position + f.length)),
      fragmentOffsets: el.fragments.map((f) => f.offset),
    },
  };
}
