// The image viewer's host side under plain Node (no browser): the dataset worker's frame session
// (frames equal what our reader reads, bad frame numbers and non-image files are typed errors, close
// ends what is pending), what the metadata table masks, and the webview's frame cap. The reader is the
// reference for values (it is checked against pydicom and nibabel in the unit tier).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { openImageSession } from '../../src/engine/datasetInspection';
import type { ImageVolumeInfo } from '../../src/engine/datasetInspection';
import { isMedSynthError } from '../../src/core/errors';
import { maskReason, privacyNote, revealedRows, viewerVolume } from '../../src/host/imageViewerMetadata';
import { framesToPush, parseImageViewerHostMessage } from '../../src/protocol/imageViewer';
import { readDatasetFile } from '../../src/storage/datasets';
import { FrameStore } from '../../webview/imageViewer/frameStore';
import { ROOT } from './realData';

const BUNDLE_DIR = join(ROOT, '.cache', `image-viewer-host-${process.pid}`);
mkdirSync(BUNDLE_DIR, { recursive: true });
const WORKER = join(BUNDLE_DIR, 'datasetWorker.js');
buildSync({
  entryPoints: [join(ROOT, 'src', 'engine', 'datasetWorkerMain.ts')],
  outfile: WORKER,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'error',
});
after(() => rmSync(BUNDLE_DIR, { recursive: true, force: true }));

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<Error> {
  try {
    await p;
  } catch (e) {
    assert.ok(isMedSynthError(e), `a MedSynthError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('image viewer host', () => {
  it('hands out each frame of a NIfTI volume as the reader reads it, in a buffer of its own', async () => {
    const file = join(ROOT, 'test/fixtures/images/anatomical.nii');
    const read = await readDatasetFile(file);
    assert.ok(read.kind === 'image');
    const v = read.set.images[0];
    const session = await openImageSession(file, { script: WORKER });
    try {
      assert.equal(session.format, 'nifti');
      const info = session.volumes[0];
      assert.deepEqual([info.frames, info.rows, info.columns, info.channels], [v.frames, v.rows, v.columns, v.channels]);
      assert.ok(!('data' in info), 'the description carries no values');
      let min = Infinity;
      let max = -Infinity;
      for (const x of v.data) [min, max] = [Math.min(min, x), Math.max(max, x)];
      assert.deepEqual(info.valueRange, { min, max });
      const n = v.rows * v.columns;
      for (const f of [0, 12, 24]) {
        const frame = await session.frame(0, f);
        assert.equal(frame.buffer.byteLength, n * 4, 'the buffer holds this frame only');
        assert.deepEqual(frame, v.data.subarray(f * n, (f + 1) * n));
      }
      const e = await rejectsWithCode(session.frame(0, 25), 'BAD_INPUT');
      assert.match(e.message, /frame 25 of volume 0.*a frame between 0 and 24/);
      await rejectsWithCode(session.frame(1, 0), 'BAD_INPUT');
    } finally {
      session.close();
    }
    // After close, asking is a typed error, not a hang.
    await rejectsWithCode(session.frame(0, 0), 'CANCELLED');
  });

  it('refuses a signal file and a file over the pixel cap with typed errors naming them', async () => {
    const ecg = join(ROOT, 'test/fixtures/dicom/waveform/waveform_ecg.dcm');
    const w = await rejectsWithCode(openImageSession(ecg, { script: WORKER }), 'UNSUPPORTED');
    assert.match(w.message, /waveform_ecg\.dcm: holds a signal dataset, not an image/);
    const e = await rejectsWithCode(
      openImageSession(join(ROOT, 'test/fixtures/dicom/pydicom/CT_small.dcm'), { script: WORKER, limits: { maxPixels: 100 } }),
      'LIMIT_EXCEEDED',
    );
    assert.match(e.message, /medsynth\.maxPixels/);
  });

  it('masks free text and identifier-like fields, shows standard UIDs and technical facts', () => {
    for (const [key, value] of [
      ['PatientName', 'DOE^JANE'],
      ['PatientID', '77654033'],
      ['StudyDate', '20010101'],
      ['InstitutionName', 'General'],
      ['AccessionNumber', 'A1'],
      ['seriesInstanceUid', '1.2.826.0.1.3680043.2.1125.1'],
      ['description', 'spm - 3D normalized'],
      ['SeriesDescription', 'AX T1'],
      ['id', 'x'],
      ['sliceGap', 'a gap of 202.500 mm between 77654033/CT2/17106 and 77654033/CT2/17136'],
      ['sliceGap', 'a gap between 77654033\\CT2\\17106 and 77654033\\CT2\\17136'],
    ] as const)
      assert.ok(maskReason(key, value), `${key} is masked`);
    for (const [key, value] of [
      ['transferSyntaxUid', '1.2.840.10008.1.2.1'],
      ['sopClassUid', '1.2.840.10008.5.1.4.1.1.2'],
      ['datatype', 'INT16'],
      ['timeUnits', 's'],
      ['timeStep', 2],
      ['voxelOrder', 'file order, not reoriented: column = i (x), row = j (y), frame = k + nk * (t + ...)'],
      ['transferSyntax', 'JPEG 2000 Image Compression (Lossless Only)'],
      ['bitsStored', 12],
      ['modality', 'CT'],
      ['rescaleIntercept', -1024],
    ] as const)
      assert.equal(maskReason(key, value), undefined, `${key} is shown`);
  });

  it('builds the init volume: masked rows carry no value, revealed rows carry it, and the webview validator accepts both', async () => {
    const read = await readDatasetFile(join(ROOT, 'test/fixtures/images/anatomical.nii'));
    assert.ok(read.kind === 'image');
    const { data, ...rest } = read.set.images[0];
    const info: ImageVolumeInfo = { ...rest, valueRange: { min: -610, max: 30393 } };
    assert.ok(data.length > 0);
    const volume = viewerVolume(info);
    assert.equal(volume.label, 'anatomical.nii');
    const description = volume.metadata.find((r) => r.key === 'description');
    assert.deepEqual(description, { key: 'description', masked: 'free text: may hold a name or anything else' });
    assert.ok(!JSON.stringify(volume).includes('spm - 3D normalized'));
    assert.deepEqual(revealedRows(info), [{ key: 'description', value: 'spm - 3D normalized' }]);
    assert.match(privacyNote([volume]), /masked until you click Reveal/);
    const init = {
      title: 'anatomical.nii',
      format: 'nifti',
      volumes: [volume],
      pushFrames: framesToPush(volume),
      privacyNote: privacyNote([volume]),
    };
    assert.equal(init.pushFrames, 25, 'a small volume is pushed whole');
    assert.ok(parseImageViewerHostMessage({ type: 'init', init }));
    assert.ok(parseImageViewerHostMessage({ type: 'metadataRevealed', volume: 0, rows: revealedRows(info) }));
    // A masked row that smuggles its value is refused.
    const leaky = { ...volume, metadata: [{ key: 'description', masked: 'free text', value: 'spm' }] };
    assert.equal(parseImageViewerHostMessage({ type: 'init', init: { ...init, volumes: [leaky] } }), undefined);
  });

  it('pushes whole small volumes and only the first frames of a large one', () => {
    assert.equal(framesToPush({ frames: 300, rows: 512, columns: 512, channels: 1 }), 64, '64 MiB of 1 MiB frames');
    assert.equal(framesToPush({ frames: 3, rows: 8192, columns: 8192, channels: 3 }), 1, 'at least the first frame');
    assert.equal(framesToPush({ frames: 2, rows: 6, columns: 5, channels: 1 }), 2);
  });

  it('keeps frames under the cap, dropping those farthest from the one shown', () => {
    const store = new FrameStore(4 * 400);
    const frame = (): Float32Array => new Float32Array(100);
    for (let f = 0; f < 4; f++) store.put(0, f, frame(), { volume: 0, frame: 0 });
    assert.equal(store.heldFrames, 4);
    // Showing frame 4: adding it drops frame 0, the farthest.
    store.put(0, 4, frame(), { volume: 0, frame: 4 });
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((f) => store.has(0, f)),
      [false, true, true, true, true],
    );
    assert.equal(store.heldBytes, 1600);
    // A frame of another volume goes first.
    store.put(1, 0, frame(), { volume: 0, frame: 4 });
    store.put(0, 0, frame(), { volume: 0, frame: 0 });
    assert.ok(!store.has(1, 0) || !store.has(0, 4));
    assert.ok(store.heldBytes <= 1600);
    // What is on its way is not asked for twice, and forgetting it allows asking again.
    store.expect(0, 9);
    assert.ok(store.isComing(0, 9));
    store.forget(0, 9);
    assert.ok(!store.isComing(0, 9));
  });
});
