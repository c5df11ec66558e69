// readDicomImage and parseDicom on pydicom's test files and on synthetic files written by pydicom,
// against test/fixtures/dicom/expected.json (test/reference/dicom_reference.py: pydicom pixel_array,
// numpy Bits Stored masking, apply_modality_lut, convert_color_space, apply_color_lut). Values are
// compared exactly through the sha256 of the float32 modality values.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readDicomImage } from '../../../src/core/data/dicom/image';
import { isDicom, parseDicom } from '../../../src/core/data/dicom/parse';
import { DICOM_FIXTURES, fixture, sha256Float32 } from './dicomFixtures';

interface ExpectedImage {
  readonly shape: [number, number, number, number];
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly samples: Record<string, number>;
  readonly sha256: string;
  readonly transferSyntax: string;
  readonly photometric: string;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly rescaleSlope: number | null;
  readonly rescaleIntercept: number | null;
  readonly windowCenters: number[];
  readonly windowWidths: number[];
  readonly pixelSpacing: number[] | null;
  readonly modality?: string;
}

const expected = JSON.parse(readFileSync(join(DICOM_FIXTURES, 'expected.json'), 'utf8')) as { images: Record<string, ExpectedImage> };

describe('readDicomImage against pydicom', () => {
  for (const [rel, want] of Object.entries(expected.images)) {
    it(rel, async () => {
      const set = await readDicomImage(fixture(rel), { fileName: rel });
      assert.equal(set.images.length, 1);
      const v = set.images[0];
      assert.deepEqual([v.frames, v.rows, v.columns, v.channels], want.shape);
      assert.equal(
        v.data.length,
        want.shape.reduce((a, b) => a * b, 1),
      );
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (const x of v.data) {
        sum += x;
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      assert.equal(min, want.min);
      assert.equal(max, want.max);
      assert.ok(Math.abs(sum - want.sum) <= Math.abs(want.sum) * 1e-9, `sum ${sum} vs ${want.sum}`);
      for (const [i, value] of Object.entries(want.samples)) assert.equal(v.data[Number(i)], value, `value ${i}`);
      assert.equal(sha256Float32(v.data), want.sha256);
      assert.equal(v.metadata.photometricInterpretation, want.photometric);
      assert.equal(v.photometric, v.channels === 3 ? 'RGB' : want.photometric === 'MONOCHROME1' ? 'MONOCHROME1' : 'MONOCHROME2');
      assert.equal(v.metadata.transferSyntaxUid, want.transferSyntax);
      if (want.windowCenters.length > 0) {
        assert.deepEqual(
          v.windows.map((w) => [w.center, w.width]),
          want.windowCenters.map((c, i) => [c, want.windowWidths[i]]),
        );
      } else if (v.channels === 1) {
        assert.deepEqual(v.windows, [{ center: (want.min + want.max) / 2, width: Math.max(want.max - want.min, 1), name: 'min-max' }]);
      }
      if (want.pixelSpacing) assert.deepEqual([v.spacing?.row, v.spacing?.column], want.pixelSpacing);
      else assert.equal(v.spacing, undefined);
      assert.equal(v.units, want.modality === 'CT' && want.rescaleSlope !== null ? 'HU' : undefined);
      assert.ok(isDicom(fixture(rel)));
    });
  }

  it('names multi-valued windows and keeps MONOCHROME1 values (synthetic 12-bit signed)', async () => {
    const v = (await readDicomImage(fixture('synthetic/signed12_mono1_2frames.dcm'))).images[0];
    assert.deepEqual(v.windows, [
      { center: 40, width: 400, name: 'SOFT' },
      { center: 300, width: 1500, name: 'BONE' },
    ]);
    assert.equal(v.photometric, 'MONOCHROME1');
    assert.deepEqual(v.spacing, { row: 0.5, column: 0.75, slice: 3 });
  });

  it('parseDicom reads headers without File Meta (explicit VR little and big endian)', () => {
    for (const [name, little] of [
      ['ExplVR_LitEndNoMeta.dcm', true],
      ['ExplVR_BigEndNoMeta.dcm', false],
    ] as const) {
      const f = parseDicom(fixture(`pydicom/${name}`), { fileName: name });
      assert.equal(f.hasMeta, false);
      assert.equal(f.littleEndian, little);
      // dcmdump -f: (0008,0016) UI =RTIonPlanStorage (1.2.840.10008.5.1.4.1.1.481.8), (0008,0060) CS [RTPLAN].
      assert.equal(f.sopClassUid, '1.2.840.10008.5.1.4.1.1.481.8');
      assert.equal(f.modality, 'RTPLAN');
      assert.equal(f.image, undefined);
      assert.ok(isDicom(fixture(`pydicom/${name}`)));
    }
  });

  it('parseDicom reports the geometry dcmdump shows for CT_small', () => {
    const f = parseDicom(fixture('pydicom/CT_small.dcm'));
    // dcmdump CT_small.dcm: ImagePositionPatient -158.135803\-179.035797\-75.699997, HighBit 15,
    // PixelRepresentation 1, SliceThickness 5.000000, InstanceNumber 1.
    assert.deepEqual(f.imagePositionPatient, [-158.135803, -179.035797, -75.699997]);
    assert.deepEqual(f.imageOrientationPatient, [1, 0, 0, 0, 1, 0]);
    assert.equal(f.image?.highBit, 15);
    assert.equal(f.image?.pixelRepresentation, 1);
    assert.equal(f.sliceThickness, 5);
    assert.equal(f.instanceNumber, 1);
    assert.equal(f.pixelData?.length, 128 * 128 * 2);
  });

  it('reads an image stripped of preamble and File Meta with the same values (syntax guessed)', async () => {
    for (const rel of ['pydicom/CT_small.dcm', 'pydicom/MR_small_implicit.dcm', 'pydicom/MR_small_bigendian.dcm']) {
      const whole = fixture(rel);
      const metaLength = new DataView(whole.buffer, whole.byteOffset).getUint32(140, true);
      const bare = whole.subarray(144 + metaLength);
      assert.ok(isDicom(bare), rel);
      const v = (await readDicomImage(bare, { fileName: rel })).images[0];
      assert.equal(sha256Float32(v.data), expected.images[rel].sha256, rel);
    }
  });

  it('isDicom is false for other formats', () => {
    const enc = new TextEncoder();
    for (const s of ['', 'a,b\n1,2\n', '\x89PNG\r\n\x1a\n\0\0\0\rIHDR', '{"a": 1}', 'x'.repeat(200)])
      assert.equal(isDicom(enc.encode(s)), false, s);
  });

  it('a VOI LUT without window gives the LUT input range as the window', async () => {
    // LUT Descriptor 256\-100\16 (dcmdump): modality values -100 .. 155 map through the LUT.
    const v = (await readDicomImage(fixture('synthetic/voi_lut.dcm'))).images[0];
    assert.deepEqual(v.windows, [{ center: 27.5, width: 256, name: 'VOI LUT' }]);
    assert.deepEqual(Array.from(v.data), [-100, 0, 50, 155]);
  });

  it('multi-frame slice spacing: RT dose Grid Frame Offset Vector', async () => {
    // dcmdump rtdose.dcm: (3004,000c) DS [0.0\5.00000000000000\10.0000000000000...]; PixelSpacing 10\10 (pydicom).
    const v = (await readDicomImage(fixture('pydicom/rtdose.dcm'))).images[0];
    assert.deepEqual(v.spacing, { row: 10, column: 10, slice: 5 });
  });
});

describe('DICOM from a Node Buffer', () => {
  it('decodes the same values from a Buffer (whose slice is a view) as from a Uint8Array', async () => {
    // pydicom 2.3 on CT_small.dcm: modality values -896 .. 1167 HU.
    const path = join(__dirname, '..', '..', '..', 'samples', 'workspace', 'images', 'CT_small.dcm');
    const buffer = readFileSync(path);
    const padded = Buffer.concat([Buffer.alloc(3), buffer]).subarray(3); // an odd byteOffset into a shared pool
    for (const bytes of [buffer, padded]) {
      const [im] = (await readDicomImage(bytes, { fileName: 'CT_small.dcm' })).images;
      let min = Infinity;
      let max = -Infinity;
      for (const v of im.data) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assert.deepEqual([min, max], [-896, 1167]);
    }
  });
});
