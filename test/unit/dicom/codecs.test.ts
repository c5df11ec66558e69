// Every encapsulated transfer syntax against pixels decoded by independent tools
// (test/reference/dicom_codecs_reference.py: dcmtk's dcmdrle/dcmdjpeg/dcmdjpls, GDCM's OpenJPEG,
// pydicom's Pillow handler, or the uncompressed source of a file compressed there). Lossless syntaxes
// must match exactly (sha256 of the little-endian container array); lossy ones within a stated bound.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { decodeFrame, encapsulatedSyntaxName, framesOf, isEncapsulatedSyntax } from '../../../src/core/data/dicom/codecs/frameDecoder';
import { CODEC_WASM_FILES, setCodecWasmLoader } from '../../../src/core/data/dicom/codecs/wasmCodecs';
import { rejectsWith } from '../typedErrors';
import { CODEC_FIXTURES, readCodecFixture } from './codecsFixtures';

interface ExpectedFrame {
  sha256: string;
  sum: number;
  min: number;
  max: number;
  length: number;
  referenceZlibBase64?: string;
}
interface Expected {
  transferSyntax: string;
  numberOfFrames: number;
  expectedPhotometric?: string;
  expectError?: string;
  lossy?: boolean;
  reference?: string;
  frames?: ExpectedFrame[];
}

const expected = JSON.parse(readFileSync(join(CODEC_FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;

// Lossy bounds, per sample, against the reference decoder:
// - JPEG baseline: libjpeg-turbo and dcmtk's IJG libjpeg both use the accurate integer IDCT, but
//   libjpeg-turbo's SIMD colour conversion and fancy upsampling round differently: at most 3.
// - JPEG 2000 irreversible (9/7): OpenJPEG in WASM and GDCM's OpenJPEG build run the same floating
//   point wavelet; a rounding difference of 1 is allowed.
// - JPEG-LS near-lossless: the decoding process is exactly specified, so it must match dcmtk exactly.
const LOSSY_BOUND: Record<string, number> = {
  '1.2.840.10008.1.2.4.50': 3,
  '1.2.840.10008.1.2.4.91': 1,
  '1.2.840.10008.1.2.4.81': 0,
};

function sha256(a: ArrayBufferView): string {
  return createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
}

for (const [name, exp] of Object.entries(expected)) {
  test(`${name}: ${encapsulatedSyntaxName(exp.transferSyntax)} matches ${exp.reference ?? 'the expected error'}`, async () => {
    const fx = readCodecFixture(name);
    assert.equal(fx.transferSyntax, exp.transferSyntax);
    assert.ok(isEncapsulatedSyntax(fx.transferSyntax));
    const frames = framesOf(fx.data, fx.numberOfFrames, { fileName: name });
    assert.equal(frames.length, exp.numberOfFrames);
    if (exp.expectError) {
      const e = await rejectsWith(decodeFrame(fx.transferSyntax, frames[0]!, fx.geometry, { fileName: name }), exp.expectError);
      assert.match(e.message, new RegExp(name.replace(/[.+]/g, '\\$&')));
      return;
    }
    for (const [i, frame] of frames.entries()) {
      const want = exp.frames![i]!;
      const got = await decodeFrame(fx.transferSyntax, frame, fx.geometry, { fileName: name });
      assert.equal(got.planarConfiguration, 0);
      assert.equal(got.photometricInterpretation, exp.expectedPhotometric, `frame ${i} photometric`);
      assert.equal(got.pixels.length, want.length, `frame ${i} length`);
      const bound = exp.lossy ? LOSSY_BOUND[exp.transferSyntax]! : 0;
      if (want.referenceZlibBase64 && sha256(got.pixels) !== want.sha256) {
        const raw = inflateSync(Buffer.from(want.referenceZlibBase64, 'base64'));
        const ref = new (got.pixels.constructor as new (b: ArrayBuffer) => typeof got.pixels)(
          raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength),
        );
        let maxDiff = 0;
        for (let k = 0; k < ref.length; k++) maxDiff = Math.max(maxDiff, Math.abs(got.pixels[k]! - ref[k]!));
        assert.ok(maxDiff <= bound, `frame ${i}: max abs difference ${maxDiff} > ${bound}`);
      } else {
        assert.equal(sha256(got.pixels), want.sha256, `frame ${i} sha256`);
      }
    }
  });
}

test('a process entry can hand the codecs their .wasm bytes; a loader that fails is UNSUPPORTED, not a crash', async () => {
  const dirs: Record<string, string> = {
    'libjpegturbowasm_decode.wasm': 'codec-libjpeg-turbo-8bit',
    'charlswasm_decode.wasm': 'codec-charls',
    'openjpegwasm_decode.wasm': 'codec-openjpeg',
    'openjphjs.wasm': 'codec-openjph',
  };
  assert.deepEqual([...CODEC_WASM_FILES].sort(), Object.keys(dirs).sort());
  const asked: string[] = [];
  const fx = readCodecFixture('MR_small_jpeg_ls_lossless.dcm');
  const frame = framesOf(fx.data, 1, {})[0]!;
  try {
    setCodecWasmLoader((file) => {
      asked.push(file);
      return new Uint8Array(readFileSync(join(__dirname, '../../../node_modules/@cornerstonejs', dirs[file]!, 'dist', file)));
    });
    const got = await decodeFrame(fx.transferSyntax, frame, fx.geometry, { fileName: 'a.dcm' });
    assert.equal(sha256(got.pixels), expected['MR_small_jpeg_ls_lossless.dcm']!.frames![0]!.sha256);
    assert.deepEqual(asked, ['charlswasm_decode.wasm']);
    setCodecWasmLoader(() => {
      throw new Error('no such file');
    });
    const e = await rejectsWith(decodeFrame(fx.transferSyntax, frame, fx.geometry, { fileName: 'a.dcm' }), 'UNSUPPORTED');
    assert.match(e.message, /a\.dcm.*charlswasm_decode\.wasm.*no such file/);
  } finally {
    setCodecWasmLoader(undefined);
  }
  assert.equal((await decodeFrame(fx.transferSyntax, frame, fx.geometry, {})).pixels.length, 4096);
});

test('a JPEG frame is decoded by what its frame header says, even when the transfer syntax is mislabelled', async () => {
  for (const [name, label] of [
    ['mr_jpll_sv1.dcm', '1.2.840.10008.1.2.4.50'],
    ['SC_rgb_jpeg_dcmtk.dcm', '1.2.840.10008.1.2.4.70'],
  ] as const) {
    const fx = readCodecFixture(name);
    const got = await decodeFrame(label, framesOf(fx.data, 1, {})[0]!, fx.geometry, { fileName: name });
    assert.equal(sha256(got.pixels), expected[name]!.frames![0]!.sha256, name);
    assert.equal(got.photometricInterpretation, expected[name]!.expectedPhotometric);
  }
});
