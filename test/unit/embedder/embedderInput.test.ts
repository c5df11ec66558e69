// prepareEmbedderInput: hand-computed values on tiny volumes (each display-range rule, channel
// conversion, NCHW layout, bilinear resize, clipping, NaN, MONOCHROME1), then the real fixtures read by
// our readers against the values pydicom, nibabel and PIL recorded for them (test/fixtures/dicom and
// test/fixtures/images expected.json), mapped by the rule by hand; bad input is a typed error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import type { ImageSet, ImageVolume } from '../../../src/core/data/imageSet';
import { readDicomImage } from '../../../src/core/data/dicom/image';
import { readNifti } from '../../../src/core/data/nifti/niftiReader';
import { readRaster } from '../../../src/core/data/raster/rasterReader';
import { displayRange, prepareEmbedderInput } from '../../../src/core/embedder/embedderInput';
import { validateEmbedderManifest } from '../../../src/core/embedder/embedderManifest';
import type { EmbedderManifest } from '../../../src/core/embedder/embedderManifest';
import { EXPECTED, FIXTURES, fixture, nifti1Header } from '../images/imageFixtures';

const FIX = join(__dirname, '..', '..', 'fixtures');

function manifest(c: 1 | 3, h: number, w: number, range: [number, number] = [-1, 1]): EmbedderManifest {
  return validateEmbedderManifest(
    {
      schema: 'medsynth.embedder/1',
      name: 'test',
      model: 'm.onnx',
      input: { name: 'x', shape: [-1, c, h, w] },
      valueRange: range,
      output: { name: 'y' },
      doc: 'd',
      license: 'MIT',
    },
    'test/medsynth.json',
  );
}

function volume(values: number[], rows: number, columns: number, extra: Partial<ImageVolume> = {}): ImageVolume {
  const channels = extra.channels ?? 1;
  return {
    id: 'v',
    frames: values.length / (rows * columns * channels),
    rows,
    columns,
    channels,
    data: Float32Array.from(values),
    photometric: channels === 3 ? 'RGB' : 'MONOCHROME2',
    windows: [],
    sourceFiles: ['v'],
    metadata: {},
    ...extra,
  };
}

const set = (...images: ImageVolume[]): ImageSet => ({ modality: 'image', images });

function close(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-6, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

const png8 = { format: 'PNG', bitDepth: 8 };
const minMaxWindow = (min: number, max: number): ImageVolume['windows'] => [
  { center: (min + max) / 2, width: Math.max(max - min, 1), name: 'min-max' },
];

test('PNG and JPEG: the bit depth full range maps onto valueRange, whatever the values take', () => {
  // 0, 51, 204, 255 on [0, 255] -> [-1, 1]: -1, -0.6, 0.6, 1 (2 * v / 255 - 1).
  const v = volume([0, 51, 204, 255], 2, 2, { metadata: png8, windows: minMaxWindow(0, 255) });
  const out = prepareEmbedderInput(set(v), manifest(1, 2, 2));
  close(out.data, [-1, -0.6, 0.6, 1]);
  assert.equal(out.count, 1);
  assert.deepEqual(out.shape, [1, 2, 2]);
  assert.deepEqual(out.sources, [{ image: 0, frame: 0 }]);
  // The values' own min..max (51..204) is not used: 51 stays -0.6.
  const narrow = volume([51, 204, 51, 204], 2, 2, { metadata: png8, windows: minMaxWindow(51, 204) });
  close(prepareEmbedderInput(set(narrow), manifest(1, 2, 2)).data, [-0.6, 0.6, -0.6, 0.6]);
  // 16-bit: 0..65535 onto [0, 10]: 13107 -> 2, 65535 -> 10.
  const v16 = volume([0, 13107, 32767.5, 65535], 2, 2, { metadata: { format: 'PNG', bitDepth: 16 } });
  close(prepareEmbedderInput(set(v16), manifest(1, 2, 2, [0, 10])).data, [0, 2, 5, 10], 1e-5);
  const jpeg = volume([0, 127.5, 255, 25.5], 2, 2, { metadata: { format: 'JPEG' } });
  close(prepareEmbedderInput(set(jpeg), manifest(1, 2, 2, [0, 1])).data, [0, 0.5, 1, 0.1]);
  assert.equal(displayRange(jpeg).rule, 'JPEG 8-bit range');
});

test('RGB to one channel by BT.601 luminance; grey to three channels repeated; NCHW layout', () => {
  // Pixels (255,0,0) (0,255,0) (0,0,255) (255,255,255) -> Y = 76.245, 149.685, 29.07, 255 on [0, 255] -> [0, 1].
  const rgb = volume([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], 2, 2, { channels: 3, metadata: png8 });
  close(prepareEmbedderInput(set(rgb), manifest(1, 2, 2, [0, 1])).data, [0.299, 0.587, 0.114, 1], 1e-6);
  // RGB kept for C = 3, written plane by plane: R plane, G plane, B plane.
  close(prepareEmbedderInput(set(rgb), manifest(3, 2, 2, [0, 1])).data, [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1]);
  const grey = volume([0, 85, 170, 255], 2, 2, { metadata: png8 });
  const g = [0, 1 / 3, 2 / 3, 1];
  close(prepareEmbedderInput(set(grey), manifest(3, 2, 2, [0, 1])).data, [...g, ...g, ...g], 1e-6);
});

test('DICOM: the first VOI window [c - w/2, c + w/2], else the min..max after rescale; clipping; MONOCHROME1 inverted', () => {
  const dicom = { transferSyntaxUid: '1.2.840.10008.1.2.1', bitsStored: 12 };
  // Window c = 40, w = 400 -> [-160, 240] onto [-1, 1]: -160 -> -1, 40 -> 0, 240 -> 1, 140 -> 0.5; -1000 and 3000 clip.
  const ct = volume([-160, 40, 240, 140, -1000, 3000], 2, 3, {
    metadata: dicom,
    windows: [
      { center: 40, width: 400, name: 'SOFT TISSUE' },
      { center: 500, width: 2000 },
    ],
  });
  close(prepareEmbedderInput(set(ct), manifest(1, 2, 3)).data, [-1, 0, 1, 0.5, -1, 1]);
  assert.equal(displayRange(ct).rule, 'DICOM VOI window');
  // No file window: the reader's 'min-max' preset; the range is recomputed from the values, per volume over all frames.
  const noWin = volume([-1024, 0, 1000, 976], 1, 2, { metadata: dicom, windows: minMaxWindow(-1024, 1000) });
  const out = prepareEmbedderInput(set(noWin), manifest(1, 1, 2, [0, 1]));
  close(out.data, [0, 1024 / 2024, 1, 2000 / 2024], 1e-6);
  assert.deepEqual(out.sources, [
    { image: 0, frame: 0 },
    { image: 0, frame: 1 },
  ]);
  // A VOI LUT's input range counts as the file's window.
  const lut = volume([0, 255], 1, 2, { metadata: dicom, windows: [{ center: 127.5, width: 256, name: 'VOI LUT' }] });
  close(prepareEmbedderInput(set(lut), manifest(1, 1, 2, [0, 256])).data, [0.5, 255.5], 1e-5);
  // MONOCHROME1: the window's low end is brightest.
  const mono1 = volume([-160, 40, 240, 140, -1000, 3000], 2, 3, { photometric: 'MONOCHROME1', metadata: dicom, windows: ct.windows });
  close(prepareEmbedderInput(set(mono1), manifest(1, 2, 3)).data, [1, 0, -1, -0.5, 1, -1]);
  // RGB DICOM: 0..2^bitsStored - 1.
  const rgb = volume([255, 255, 255], 1, 1, {
    channels: 3,
    metadata: { ...dicom, bitsStored: 8 },
    windows: [{ center: 127.5, width: 256, name: 'full range' }],
  });
  close(prepareEmbedderInput(set(rgb), manifest(1, 1, 1, [0, 1])).data, [1], 1e-6);
});

test('NIfTI: cal_min..cal_max when set, else the finite min..max (a float range narrower than 1 kept); NaN -> lo; constant -> middle', () => {
  const nifti = { format: 'NIfTI-1' };
  const cal = volume([0, 50, 100, 200], 2, 2, {
    metadata: nifti,
    windows: [{ center: 50, width: 100, name: 'cal_min..cal_max' }, ...minMaxWindow(0, 200)],
  });
  close(prepareEmbedderInput(set(cal), manifest(1, 2, 2)).data, [-1, 0, 1, 1]);
  const tiny = volume([0, 0.0005, 0.001, NaN, Infinity, -Infinity], 2, 3, { metadata: nifti, windows: minMaxWindow(0, 0.001) });
  close(prepareEmbedderInput(set(tiny), manifest(1, 2, 3)).data, [-1, 0, 1, -1, 1, -1], 1e-5);
  const flat = volume([7, 7, 7, 7], 2, 2, { metadata: nifti, windows: minMaxWindow(7, 7) });
  close(prepareEmbedderInput(set(flat), manifest(1, 2, 2, [0, 4])).data, [2, 2, 2, 2]);
  const unknown = volume([1, 3], 1, 2, { windows: [{ center: 2, width: 4 }] });
  close(prepareEmbedderInput(set(unknown), manifest(1, 1, 2, [0, 1])).data, [0.25, 0.75]);
});

test('a frame of another size is resized bilinearly (pixel centres, edge clamp), then mapped', () => {
  // [[0, 1], [2, 3]] to 4 x 4: each side samples s = (i + 0.5) / 2 - 0.5 clamped to [0, 1] = 0, 0.25, 0.75, 1,
  // so row r, column c holds 2 * s(r) + s(c). The display range 0..3 (a window) maps onto [0, 3] unchanged.
  const v = volume([0, 1, 2, 3], 2, 2, { windows: [{ center: 1.5, width: 3 }] });
  const s = [0, 0.25, 0.75, 1];
  const want = s.flatMap((sr) => s.map((sc) => 2 * sr + sc));
  close(prepareEmbedderInput(set(v), manifest(1, 4, 4, [0, 3])).data, want, 1e-6);
  // 4 x 4 down to 2 x 2 samples the input at s = 0.5 and 2.5: the means of the 2 x 2 blocks here.
  const big = volume(
    Array.from({ length: 16 }, (_, i) => i),
    4,
    4,
    { windows: [{ center: 7.5, width: 15 }] },
  );
  close(prepareEmbedderInput(set(big), manifest(1, 2, 2, [0, 15])).data, [2.5, 4.5, 10.5, 12.5], 1e-6);
  // Two images of different sizes in one batch, in set then frame order.
  const out = prepareEmbedderInput(set(big, v), manifest(1, 2, 2, [0, 15]));
  assert.equal(out.count, 2);
  assert.deepEqual(out.sources, [
    { image: 0, frame: 0 },
    { image: 1, frame: 0 },
  ]);
});

test('bad input: no frames is BAD_INPUT, a batch beyond the cap LIMIT_EXCEEDED before allocating, an aborted signal CANCELLED', () => {
  assert.throws(
    () => prepareEmbedderInput(set(), manifest(1, 2, 2)),
    (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_INPUT' && /no frames/.test(e.message),
  );
  // 1000 frames of 1 x 1 declared, at 3 x 1024 x 1024 each: 3.1e9 values; the volume's data is never touched.
  const huge = { ...volume([0], 1, 1), frames: 1000 };
  assert.throws(
    () => prepareEmbedderInput(set(huge), manifest(3, 1024, 1024)),
    (e: unknown) =>
      e instanceof MedSynthError &&
      e.code === 'LIMIT_EXCEEDED' &&
      /1000 frames at 3×1024×1024/.test(e.message) &&
      /at most 67108864/.test(e.message),
  );
  assert.throws(
    () => prepareEmbedderInput(set(volume([0, 1, 2, 3], 2, 2)), manifest(1, 2, 2), { maxValues: 3 }),
    (e: unknown) => e instanceof MedSynthError && e.code === 'LIMIT_EXCEEDED',
  );
  assert.throws(
    () => prepareEmbedderInput(set(volume([0, 1, 2, 3], 2, 2)), manifest(1, 2, 2), { signal: AbortSignal.abort() }),
    (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
  );
});

// ---- real fixtures, no resize (H x W = the image's size), against the independent readers' values ----

const map = (x: number, a: number, b: number, lo: number, hi: number): number =>
  Math.min(hi, Math.max(lo, lo + ((x - a) * (hi - lo)) / (b - a)));

interface DicomExpected {
  readonly min: number;
  readonly max: number;
  readonly shape: number[];
  readonly samples: Record<string, number>;
  readonly windowCenters: number[];
  readonly windowWidths: number[];
}
const DICOM = (JSON.parse(readFileSync(join(FIX, 'dicom', 'expected.json'), 'utf8')) as { images: Record<string, DicomExpected> }).images;

test('real DICOM: MR_small by its VOI window (pydicom 600/1600), CT_small by its min..max after rescale (pydicom)', async () => {
  for (const name of ['MR_small.dcm', 'CT_small.dcm']) {
    const e = DICOM[`pydicom/${name}`];
    const img = await readDicomImage(new Uint8Array(readFileSync(join(FIX, 'dicom', 'pydicom', name))), { fileName: name });
    const [, rows, columns] = e.shape;
    const out = prepareEmbedderInput(img, manifest(1, rows, columns));
    const [a, b] =
      e.windowCenters.length > 0
        ? [e.windowCenters[0] - e.windowWidths[0] / 2, e.windowCenters[0] + e.windowWidths[0] / 2]
        : [e.min, e.max];
    for (const [index, value] of Object.entries(e.samples))
      close([out.data[Number(index)]], [map(value, a, b, -1, 1)], 1e-6, `${name} ${index}`);
    // The rule reaches both ends: MR_small has values above the window (clipped at 1); CT_small spans exactly [-1, 1].
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of out.data) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
    if (name === 'CT_small.dcm') assert.deepEqual([lo, hi], [-1, 1]);
    else assert.equal(hi, 1);
  }
});

test('real PNG, JPEG and NIfTI fixtures: the bit-depth range or the volume min..max, sample by sample (PIL, nibabel)', async () => {
  // gray.jpg: jpeg-js and PIL's libjpeg differ by up to 1 grey level (rasterReference.test.ts), 1/255 here.
  const cases: [string, (e: (typeof EXPECTED)[number]) => [number, number], number?][] = [
    ['camera.png', () => [0, 255]],
    ['microaneurysms.png', () => [0, 255]],
    ['gray16.png', () => [0, 65535]],
    ['gray.jpg', () => [0, 255], 1 / 255 + 1e-6],
    ['anatomical.nii', (e) => [e.min, e.max]],
    ['be_int16_scaled.nii', (e) => [e.min, e.max]],
    ['nifti2_be_float32.nii', (e) => [e.min, e.max]],
  ];
  for (const [file, rangeOf, tol = 1e-6] of cases) {
    const e = EXPECTED.find((x) => x.file === file);
    assert.ok(e, file);
    const bytes = fixture(file);
    const img = file.endsWith('.nii')
      ? await readNifti(bytes, { fileName: join(FIXTURES, file) })
      : await readRaster(bytes, { fileName: file });
    const out = prepareEmbedderInput(img, manifest(1, e.rows, e.columns, [0, 1]));
    assert.equal(out.count, e.frames, file);
    const [a, b] = rangeOf(e);
    // Reader index (frame, row, column) is the prepared index too: NCHW with C = 1 and one item per frame.
    for (const [index, value] of e.samples) close([out.data[index]], [map(value, a, b, 0, 1)], tol, `${file} ${index}`);
  }
});

test('real NIfTI with cal_min/cal_max set in its header (built here): cal wins over the values min..max', async () => {
  const header = nifti1Header({ dims: [2, 2, 1], datatype: 4, bitpix: 16 });
  const view = new DataView(header.buffer);
  view.setFloat32(124, 300, true); // cal_max
  view.setFloat32(128, -100, true); // cal_min
  const voxels = new Uint8Array(8);
  const dv = new DataView(voxels.buffer);
  [-100, 100, 300, 1000].forEach((v, i) => dv.setInt16(2 * i, v, true));
  const bytes = new Uint8Array(header.length + voxels.length);
  bytes.set(header);
  bytes.set(voxels, header.length);
  const img = await readNifti(bytes, { fileName: 'cal.nii' });
  assert.equal(displayRange(img.images[0]).rule, 'NIfTI cal_min..cal_max');
  close(prepareEmbedderInput(img, manifest(1, 2, 2, [0, 1])).data, [0, 0.5, 1, 1]);
});

test('real RGB fixtures to one grey channel (BT.601 on PIL values) and to three channels', async () => {
  const e = EXPECTED.find((x) => x.file === 'palette_color.png');
  assert.ok(e);
  const img = await readRaster(fixture('palette_color.png'), { fileName: 'palette_color.png' });
  const rgb = prepareEmbedderInput(img, manifest(3, e.rows, e.columns, [0, 255]));
  const grey = prepareEmbedderInput(img, manifest(1, e.rows, e.columns, [0, 255]));
  const plane = e.rows * e.columns;
  for (const [index, value] of e.samples) {
    const pixel = Math.floor(index / 3);
    close([rgb.data[(index % 3) * plane + pixel]], [value], 1e-4, `palette_color ${index}`);
  }
  for (let p = 0; p < plane; p++) {
    const y = 0.299 * rgb.data[p] + 0.587 * rgb.data[plane + p] + 0.114 * rgb.data[2 * plane + p];
    close([grey.data[p]], [y], 1e-3, `grey ${p}`);
  }
});
