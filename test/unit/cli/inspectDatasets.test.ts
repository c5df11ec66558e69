// `medsynth inspect` on images, signals and folders through the bundled CLI in a real process: the
// summary's shapes and values, caps named in the error, and multi-file datasets kept inside their folder.
// Expected values come from independent readers: pydicom 2.3 (CT_small.dcm: 128 x 128, rescale
// intercept -1024, values -896..1167 HU, spacing 0.661468 mm, slice thickness 5 mm, patient name
// 'CompressedSamples^CT1'), mne 1.3 (test/fixtures/edf/reference.json) and nibabel 5.0
// (test/fixtures/images/expected.json); the WFDB record's counts are those its header states.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, removeCliBuild, runCliProcess, scratchDir } from './cliHarness';

const CT = join(ROOT, 'samples', 'workspace', 'images', 'CT_small.dcm');
const ECG12 = join(ROOT, 'samples', 'workspace', 'signals', 'ecg12.hea');

interface Description {
  modality: string;
  format: string;
  files: { file: string; sha256: string }[];
  images?: {
    shape: number[];
    units?: string;
    photometric: string;
    spacing?: { row: number; column: number; slice?: number };
    values: { min: number; max: number };
  }[];
  records?: { channels: { name: string; units: string; sampleRate: number; samples: number }[] }[];
}

function inspectJson(path: string, ...extra: string[]): Description {
  const res = runCliProcess(['inspect', path, '--json', ...extra]);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout) as Description;
}

function assertFails(args: readonly string[], pattern: RegExp): string {
  const res = runCliProcess(args);
  assert.equal(res.code, 2, res.stderr);
  assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  assert.match(res.stderr, pattern);
  return res.stderr;
}

describe('medsynth inspect: images and signals', () => {
  after(() => removeCliBuild());

  it('describes a DICOM image as pydicom reads it, without the patient name', () => {
    const before = readFileSync(CT);
    const res = runCliProcess(['inspect', CT, '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stdout, /CompressedSamples/);
    const d = JSON.parse(res.stdout) as Description;
    assert.equal(d.modality, 'image');
    const [im] = d.images ?? [];
    assert.deepEqual(im.shape, [1, 128, 128, 1]);
    assert.equal(im.units, 'HU');
    assert.deepEqual([im.values.min, im.values.max], [-896, 1167]);
    assert.ok(Math.abs((im.spacing?.row ?? 0) - 0.661468) < 1e-6 && im.spacing?.slice === 5);
    assert.deepEqual(readFileSync(CT), before);
    const human = runCliProcess(['inspect', CT]);
    assert.match(human.stdout, /1 frame\(s\) of 128 rows x 128 columns, MONOCHROME2/);
  });

  it('describes a WFDB record: 12 leads, 1000 Hz, 2000 samples each (its header), and hashes both files', () => {
    const d = inspectJson(ECG12);
    const channels = d.records?.[0]?.channels ?? [];
    assert.deepEqual(
      channels.map((c) => c.name),
      ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
    );
    for (const c of channels) assert.deepEqual([c.sampleRate, c.samples, c.units], [1000, 2000, 'uV']);
    assert.deepEqual(
      d.files.map((f) => f.file.split('/').pop()),
      ['ecg12.hea', 'ecg12.dat'],
    );
  });

  it('describes an EDF with two sample rates as mne does', () => {
    const ref = (
      JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'edf', 'reference.json'), 'utf8')) as {
        fixtures: { file: string; channels: { name: string; sampleRate: number; n: number }[] }[];
      }
    ).fixtures.find((f) => f.file === 'two_rates.edf');
    assert.ok(ref);
    const d = inspectJson(join(ROOT, 'test', 'fixtures', 'edf', 'two_rates.edf'));
    assert.deepEqual(
      d.records?.[0]?.channels.map((c) => [c.name, c.sampleRate, c.samples]),
      ref.channels.map((c) => [c.name, c.sampleRate, c.n]),
    );
  });

  it('describes a NIfTI-2 .nii.gz as nibabel does', () => {
    const ref = (
      JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'images', 'expected.json'), 'utf8')) as {
        files: { file: string; frames: number; rows: number; columns: number; min: number; max: number }[];
      }
    ).files.find((f) => f.file === 'example_nifti2.nii.gz');
    assert.ok(ref);
    const [im] = inspectJson(join(ROOT, 'test', 'fixtures', 'images', 'example_nifti2.nii.gz')).images ?? [];
    assert.deepEqual(im.shape, [ref.frames, ref.rows, ref.columns, 1]);
    assert.deepEqual([im.values.min, im.values.max], [ref.min, ref.max]);
  });

  it('reads a folder of DICOM files as a series, skipping other files', () => {
    const dir = scratchDir();
    copyFileSync(CT, join(dir, 'IM0001'));
    writeFileSync(join(dir, 'notes.txt'), 'not DICOM');
    const d = inspectJson(dir);
    assert.equal(d.modality, 'image');
    assert.deepEqual(d.images?.[0]?.shape, [1, 128, 128, 1]);
  });

  it('names the cap and its setting when an image is larger than --max-pixels allows', () => {
    assertFails(['inspect', CT, '--max-pixels', '1000'], /maxPixels.*medsynth\.maxPixels.*--max-pixels/);
    assertFails(['inspect', ECG12, '--max-samples', '100'], /maxSamples.*medsynth\.maxSamples.*--max-samples/);
    assertFails(['inspect', CT, '--max-pixels', '0'], /--max-pixels must be a whole number of at least 1, got '0'/);
  });

  it('refuses a WFDB header naming a data file outside its folder, through ".." or a symlink', () => {
    const outside = scratchDir();
    copyFileSync(join(ROOT, 'samples', 'workspace', 'signals', 'ecg12.dat'), join(outside, 'secret.dat'));
    const dir = join(outside, 'record');
    mkdirSync(dir);
    const header = readFileSync(ECG12, 'utf8');
    writeFileSync(join(dir, 'up.hea'), header.replace(/ecg12\.dat/g, '../secret.dat').replace(/^ecg12 /m, 'up '));
    assertFails(['inspect', join(dir, 'up.hea')], /secret\.dat.*contains '\.\.'/);
    symlinkSync(join(outside, 'secret.dat'), join(dir, 'linked.dat'));
    writeFileSync(join(dir, 'linked.hea'), header.replace(/ecg12\.dat/g, 'linked.dat').replace(/^ecg12 /m, 'linked '));
    assertFails(['inspect', join(dir, 'linked.hea')], /symbolic link/);
  });

  it('rejects a broken file with a one-line reason naming it (exit 2)', () => {
    const dir = scratchDir();
    const bad = join(dir, 'broken.dcm');
    writeFileSync(
      bad,
      Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([0x02, 0x00, 0x10, 0x00, 0x55, 0x49, 0xff, 0xff])]),
    );
    assertFails(['inspect', bad], /broken\.dcm/);
    assertFails(['inspect', join(dir, 'nothing.xyz')], /no such file/);
    writeFileSync(join(dir, 'unknown.xyz'), 'hello');
    assertFails(['inspect', join(dir, 'unknown.xyz')], /not an image, signal or tokenizer file/);
  });

  it('describes a tokenizer.json with the special tokens its tokenizer_config.json names', () => {
    const dir = scratchDir();
    copyFileSync(join(ROOT, 'test', 'fixtures', 'text', 'bpe-bytelevel.tokenizer.json'), join(dir, 'tokenizer.json'));
    copyFileSync(join(ROOT, 'test', 'fixtures', 'text', 'bpe-bytelevel.tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
    // Independent: the id space is the largest id + 1 (model.vocab holds ids 0..294, added_tokens '<|endoftext|>' = 300).
    const fixture = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as {
      model: { vocab: Record<string, number> };
      added_tokens: { id: number; content: string }[];
    };
    const res = runCliProcess(['inspect', join(dir, 'tokenizer.json'), '--json']);
    assert.equal(res.code, 0, res.stderr);
    const d = JSON.parse(res.stdout) as { vocabSize: number; files: unknown[] };
    assert.equal(d.vocabSize, Math.max(...Object.values(fixture.model.vocab), ...fixture.added_tokens.map((t) => t.id)) + 1);
    assert.equal(d.files.length, 2, 'tokenizer.json and tokenizer_config.json were read');
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": {"type": "Foo"}}');
    assertFails(['inspect', join(dir, 'tokenizer.json')], /tokenizer\.json.*Foo/);
  });

  it('decodes compressed DICOM through the bundled WebAssembly codecs (JPEG-LS, JPEG 2000, RLE) like the uncompressed original', () => {
    // pydicom 2.3 on the uncompressed MR_small.dcm: 64 x 64, values 127..2145; the lossless encodings must agree.
    for (const name of ['MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_RLE.dcm']) {
      const [im] = inspectJson(join(ROOT, 'test', 'fixtures', 'dicom', 'codecs', name)).images ?? [];
      assert.deepEqual(im.shape, [1, 64, 64, 1], name);
      assert.deepEqual([im.values.min, im.values.max], [127, 2145], name);
    }
  });

  it('caps the bytes one dataset reads in all: a folder of DICOM files beyond --max-decompressed-bytes is refused', () => {
    const dir = scratchDir();
    for (let i = 0; i < 3; i++) copyFileSync(CT, join(dir, `IM000${i}`)); // 3 x 39,206 bytes
    assert.equal(runCliProcess(['inspect', dir, '--json', '--max-decompressed-bytes', '200000']).code, 0);
    assertFails(
      ['inspect', dir, '--max-decompressed-bytes', '100000'],
      /IM0002.*117618 bytes.*maxDecompressedBytes.*medsynth\.maxDecompressedBytes/,
    );
  });

  it('reads a folder of DICOM ECG files as signal records (12 leads each, as pydicom reads waveform_ecg.dcm)', () => {
    const dir = scratchDir();
    copyFileSync(join(ROOT, 'test', 'fixtures', 'dicom', 'waveform', 'waveform_ecg.dcm'), join(dir, 'ECG1'));
    copyFileSync(join(ROOT, 'test', 'fixtures', 'dicom', 'waveform', 'waveform_ecg.dcm'), join(dir, 'ECG2'));
    const d = inspectJson(dir);
    assert.equal(d.modality, 'signal');
    // pydicom 2.3: two multiplex groups per file (10000 and 1200 samples), 12 channels at 1000 Hz.
    assert.deepEqual(
      d.records?.map((r) => [r.channels.length, r.channels[0].samples, r.channels[0].sampleRate]),
      [
        [12, 10000, 1000],
        [12, 1200, 1000],
        [12, 10000, 1000],
        [12, 1200, 1000],
      ],
    );
  });
});
