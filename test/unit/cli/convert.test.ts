// `medsynth convert` on images through the bundled CLI in a real process (so esbuild bundles dcmjs).
// Expected values come from independent readers of the SOURCE files (test/reference/
// image_writers_reference.py: pydicom's pixel_array through apply_modality_lut, nibabel, PIL), compared
// with the same tools' reading of the outputs; the PNG display with pydicom's apply_windowing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, removeCliBuild, runCliProcess, scratchDir } from './cliHarness';
import { dcmtk, floats, missing, reference, runTool } from '../images/writers/writersReference';

after(() => removeCliBuild());

const CT = join(ROOT, 'samples', 'workspace', 'images', 'CT_small.dcm');
const SYN = join(ROOT, 'test', 'fixtures', 'dicom', 'synthetic');
const IMAGES = join(ROOT, 'test', 'fixtures', 'images');
const why = missing('dicom') ?? missing('nifti') ?? missing('png');
const skip = why ? `reference unavailable: ${why}` : false;

function convert(...args: string[]): string {
  const res = runCliProcess(['convert', ...args]);
  assert.equal(res.code, 0, res.stderr);
  return res.stdout;
}

interface DicomRef {
  elements: { keyword: string; value: unknown }[];
  values: { shape: number[]; f32: string };
}

/** The first window of a source as pydicom reads it (first of several values), else the min..max of its values. */
function firstWindow(src: DicomRef, values: Float32Array): { center: number; width: number } {
  const first = (k: string): number | undefined => {
    const v = src.elements.find((e) => e.keyword === k)?.value;
    return v === undefined ? undefined : Number(Array.isArray(v) ? v[0] : v);
  };
  const center = first('WindowCenter');
  const width = first('WindowWidth');
  if (center !== undefined && width !== undefined) return { center, width };
  let [min, max] = [Infinity, -Infinity];
  for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  return { center: (min + max) / 2, width: Math.max(max - min, 1) };
}

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function close(a: Float32Array, b: Float32Array, tolerance = 0): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tolerance)) assert.fail(`value ${i}: ${a[i]} vs ${b[i]}`);
}

describe('medsynth convert: DICOM', () => {
  it('CT_small.dcm to .npy, .nii.gz, .png and .dcm', { skip }, () => {
    const dir = scratchDir();
    const before = sha(CT);
    for (const out of ['ct.npy', 'ct.nii.gz', 'ct.png', 'ct.dcm']) assert.match(convert(CT, join(dir, out)), /wrote 1 frame of 128 x 128/);
    assert.equal(sha(CT), before, 'the source is unchanged');
    const [src] = reference('dicom', [CT]);
    const expected = floats(src.values); // pydicom: pixel_array * RescaleSlope + RescaleIntercept
    const [npy] = reference('npy', [join(dir, 'ct.npy')]);
    assert.deepEqual(npy.shape, [1, 128, 128]);
    assert.equal(npy.dtype, '<f4');
    close(floats(npy.values), expected);
    const [nii] = reference('nifti', [join(dir, 'ct.nii.gz')]);
    assert.deepEqual(nii.shape, [128, 128, 1]);
    close(floats(nii.values), expected);
    const spacing = src.elements.find((e: { keyword: string }) => e.keyword === 'PixelSpacing').value.map(Number);
    close(Float32Array.from(nii.zooms), Float32Array.of(spacing[1], spacing[0], 5), 1e-6);
    // The display: pydicom's windowing of pydicom's values with the file's first window.
    const w = firstWindow(src, expected);
    const raw = join(dir, 'ct.f32');
    writeFileSync(raw, expected);
    const windowed = floats(reference('window', [`${raw}:${w.center}:${w.width}:8`])[0].values);
    const [png] = reference('png', [join(dir, 'ct.png')]);
    assert.equal(png.pil.mode, 'L');
    close(floats(png.pil.values), windowed, 0.5 + 1e-6);
    const [dcm] = reference('dicom', [join(dir, 'ct.dcm')]);
    close(floats(dcm.values), expected);
    const out = (k: string): unknown => dcm.elements.find((e: { keyword: string }) => e.keyword === k)?.value;
    assert.equal(out('PatientName'), 'DEIDENTIFIED^0');
    assert.equal(out('PatientIdentityRemoved'), 'YES');
    assert.equal(out('Modality'), 'CT');
    assert.match(String(out('DerivationDescription')), /medsynth convert/);
    const text = readFileSync(join(dir, 'ct.dcm')).toString('latin1');
    for (const s of reference('identifiers', [CT])[0].strings as string[])
      if (s.length >= 6) assert.ok(!text.includes(s), `output holds '${s}'`);
    const ftest = dcmtk('dcmftest');
    if (ftest) assert.match(runTool(ftest, [join(dir, 'ct.dcm')]).out, /^yes:/);
    // Same source, same bytes.
    convert(CT, join(dir, 'again.dcm'));
    assert.equal(sha(join(dir, 'again.dcm')), sha(join(dir, 'ct.dcm')));
  });

  it('a folder of one series to .npy in slice order', { skip }, () => {
    const dir = scratchDir();
    const series = join(dir, 'series');
    mkdirSync(series);
    const names = ['s_a.dcm', 's_b.dcm', 's_c.dcm'];
    for (const n of names) copyFileSync(join(SYN, n), join(series, n));
    assert.match(convert(series, join(dir, 's.npy')), /wrote 3 frames of 3 x 4/);
    const refs = reference(
      'dicom',
      names.map((n) => join(series, n)),
    );
    // Slice order from pydicom's Image Position (Patient) along the normal of Image Orientation (Patient).
    const key = (r: { elements: { keyword: string; value: string[] }[] }): number => {
      const get = (k: string): number[] => r.elements.find((e) => e.keyword === k)!.value.map(Number);
      const [a, b, c, d, e, f] = get('ImageOrientationPatient');
      const n = [b * f - c * e, c * d - a * f, a * e - b * d];
      return get('ImagePositionPatient').reduce((s, p, i) => s + p * n[i], 0);
    };
    const ordered = [...refs].sort((x, y) => key(x) - key(y));
    const expected = Float32Array.from(ordered.flatMap((r) => Array.from(floats(r.values))));
    const [npy] = reference('npy', [join(dir, 's.npy')]);
    assert.deepEqual(npy.shape, [3, 3, 4]);
    close(floats(npy.values), expected);
    const [nii] = (convert(series, join(dir, 's.nii')), reference('nifti', [join(dir, 's.nii')]));
    close(floats(nii.values), expected);
  });

  it('multi-frame files: MONOCHROME1 inverted in the PNGs, RGB to (frames, rows, columns, 3)', { skip }, () => {
    const dir = scratchDir();
    const mono1 = join(SYN, 'signed12_mono1_2frames.dcm');
    assert.match(convert(mono1, join(dir, 'm.png')), /2 files m-0\.png \.\. m-1\.png/);
    assert.deepEqual(readdirSync(dir).sort(), ['m-0.png', 'm-1.png']);
    assert.ok(/MONOCHROME1/.test(JSON.stringify(reference('dicom', [mono1])[0].elements)));
    const [src] = reference('dicom', [mono1]);
    const values = floats(src.values);
    const { center, width } = firstWindow(src, values);
    const perFrame = values.length / 2;
    const pngs = reference('png', [join(dir, 'm-0.png'), join(dir, 'm-1.png')]);
    for (let k = 0; k < 2; k++) {
      const raw = join(dir, `f${k}.f32`);
      writeFileSync(raw, values.subarray(k * perFrame, (k + 1) * perFrame));
      const windowed = floats(reference('window', [`${raw}:${center}:${width}:8`])[0].values).map((y) => 255 - y);
      close(floats(pngs[k].pil.values), windowed, 0.5 + 1e-6);
    }
    const rgb = join(SYN, 'rgb_planar_2frames.dcm');
    convert(rgb, join(dir, 'rgb.npy'));
    const [rsrc] = reference('dicom', [rgb]);
    const [rnpy] = reference('npy', [join(dir, 'rgb.npy')]);
    assert.deepEqual(rnpy.shape, rsrc.values.shape);
    assert.equal(rnpy.shape.length, 4);
    close(floats(rnpy.values), floats(rsrc.values));
  });
});

describe('medsynth convert: NIfTI and PNG sources', () => {
  it('anatomical.nii to .npy and 25 PNGs', { skip }, () => {
    const dir = scratchDir();
    const nii = join(IMAGES, 'anatomical.nii');
    convert(nii, join(dir, 'a.npy'));
    const [src] = reference('nifti', [nii]);
    const [npy] = reference('npy', [join(dir, 'a.npy')]);
    assert.deepEqual(npy.shape, [src.shape[2], src.shape[1], src.shape[0]]);
    close(floats(npy.values), floats(src.values));
    assert.match(convert(nii, join(dir, 'a.png'), '--bit-depth', '16'), /25 files a-00\.png \.\. a-24\.png/);
    const [first] = reference('png', [join(dir, 'a-00.png')]);
    assert.equal(first.spec.depth, 16);
  });

  it('an RGB PNG to .npy and .nii', { skip }, () => {
    const dir = scratchDir();
    const png = join(IMAGES, 'palette_color.png');
    convert(png, join(dir, 'p.npy'));
    convert(png, join(dir, 'p.nii'));
    const [src] = reference('png', [png]);
    const [npy] = reference('npy', [join(dir, 'p.npy')]);
    assert.equal(src.pil.mode, 'P');
    assert.deepEqual(npy.shape, [1, ...src.pil.rgb.shape]);
    close(floats(npy.values), floats(src.pil.rgb));
    const [nii] = reference('nifti', [join(dir, 'p.nii')]);
    assert.equal(nii.datatype, 128);
    close(floats(nii.values), floats(src.pil.rgb));
  });
});

describe('medsynth convert refuses, and writes nothing', () => {
  const cases: [string, (dir: string) => string[], RegExp][] = [
    ['an unknown output format', (d) => [CT, join(d, 'x.tiff')], /cannot tell the output format|cannot tell the image output format/],
    ['--bit-depth 12', (d) => [CT, join(d, 'x.png'), '--bit-depth', '12'], /--bit-depth must be 8 or 16/],
    ['--bit-depth for a .npy', (d) => [CT, join(d, 'x.npy'), '--bit-depth', '16'], /--bit-depth applies to \.png outputs only/],
    ['a missing output folder', (d) => [CT, join(d, 'nope', 'x.npy')], /does not exist/],
    ['an input of several series', (d) => [SYN, join(d, 'x.npy')], /holds \d+ image volumes|series/],
    [
      'a DICOMDIR of 13 series',
      (d) => [join(ROOT, 'test', 'fixtures', 'dicom', 'pydicom', 'dicomdirtests', 'DICOMDIR'), join(d, 'x.dcm')],
      /holds 13 image volumes/,
    ],
    [
      'a signal record',
      (d) => [join(ROOT, 'samples', 'workspace', 'signals', 'ecg12.hea'), join(d, 'x.npy')],
      /is a signal dataset, not an image/,
    ],
    ['16-bit RGB to NIfTI RGB24', (d) => [join(IMAGES, 'rgb16.png'), join(d, 'x.nii')], /cannot be stored as RGB24/],
    ['a missing input', (d) => [join(d, 'missing.dcm'), join(d, 'x.npy')], /no such file/],
  ];
  for (const [name, args, re] of cases) {
    it(name, () => {
      const dir = scratchDir();
      const res = runCliProcess(['convert', ...args(dir)]);
      assert.equal(res.code, 2, res.stderr);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
      assert.match(res.stderr, re);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    });
  }
  it('a series with a missing slice: refused as a volume, written as one PNG per slice', () => {
    const dir = scratchDir();
    const series = join(dir, 'series');
    mkdirSync(series);
    copyFileSync(join(SYN, 's_a.dcm'), join(series, 's_a.dcm'));
    copyFileSync(join(SYN, 's_c.dcm'), join(series, 's_c.dcm'));
    // s_b moved from x = 1 to x = 6 along the slice normal (dcmdump: s_a -4, s_c -1.5): 7.5 mm where the others are 2.5 apart.
    const moved = readFileSync(join(SYN, 's_b.dcm'));
    moved.write('6.0', moved.indexOf('1.0\\2.0\\3.0', 0, 'latin1'), 'latin1');
    writeFileSync(join(series, 's_b.dcm'), moved);
    const out = join(dir, 'out');
    mkdirSync(out);
    for (const ext of ['nii', 'npy', 'dcm']) {
      const res = runCliProcess(['convert', series, join(out, `v.${ext}`)]);
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, /gap of 7\.500 mm .* about 2 slice\(s\) missing/);
    }
    assert.deepEqual(readdirSync(out), [], 'nothing written');
    convert(series, join(out, 'slice.png'));
    assert.equal(readdirSync(out).length, 3);
  });

  it('the source as the output', () => {
    const dir = scratchDir();
    const src = join(dir, 'a.dcm');
    copyFileSync(CT, src);
    const res = runCliProcess(['convert', src, src]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /must differ from <in>/);
    assert.equal(sha(src), sha(CT));
  });
});
