// The PPCA generator written as ONNX and run by the real onnxruntime-node: for fixed latents from
// fillLatent the output is exactly clip(z_q W^T + mu + sigma z_e) computed here in float64 from the
// graph's float32 constants (within float32 rounding), laid out NCHW; many samples have the model's
// mean and covariance W W^T + sigma^2 I; the manifest passes validateManifest and imagePostprocess and
// carries the set's uniform technical values and no identifiers; the fitter reports progress and
// stops on cancel.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { ImageSet } from '../../../src/core/data/imageSet';
import { MedSynthError } from '../../../src/core/errors';
import { MANIFEST_METADATA_KEY } from '../../../src/core/generators/onnx/generatorModel';
import { fillLatent } from '../../../src/core/generators/latent';
import { checkModelSignature, validateManifest } from '../../../src/core/generators/manifestValidation';
import { readOnnxModelInfo } from '../../../src/core/generators/onnx/modelInfo';
import { fitPpca } from '../../../src/core/generators/ppca/ppcaFit';
import type { PpcaModel } from '../../../src/core/generators/ppca/ppcaFit';
import { buildPpcaGenerator, PPCA_LATENT_NAME, PPCA_OUTPUT_NAME } from '../../../src/core/generators/ppca/ppcaGraph';
import { trainingImageInfo } from '../../../src/core/generators/ppca/ppcaImageInfo';
import { ppcaFitter } from '../../../src/core/modalities/image/imageFitters';
import { imagePostprocess } from '../../../src/core/modalities/image/imagePostprocess';
import type { FitContext } from '../../../src/core/modalities/modality';
import { readFixtureImage, readSeries, syntheticSet } from './ppcaFixtures';

async function run(onnx: Uint8Array, latent: Float32Array, rows: number, dims: number): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(onnx);
  const out = await session.run({ [PPCA_LATENT_NAME]: new ort.Tensor('float32', latent, [rows, dims]) });
  return out[PPCA_OUTPUT_NAME];
}

/** clip(z_q W^T + mu + sigma z_e) in float64 from the float32 constants, and each element's magnitude. */
function expected(m: PpcaModel, latent: Float32Array, rows: number): { values: Float64Array; scale: Float64Array } {
  const { components: q, dims: d } = m;
  const w = Float32Array.from(m.loadings);
  const mu = Float32Array.from(m.mean);
  const sigma = Math.fround(Math.sqrt(m.noiseVariance));
  const lo = Math.fround(m.valueRange[0]);
  const hi = Math.fround(m.valueRange[1]);
  const values = new Float64Array(rows * d);
  const scale = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const z = latent.subarray(r * (q + d), (r + 1) * (q + d));
    for (let p = 0; p < d; p++) {
      let s = mu[p];
      let mag = Math.abs(mu[p]);
      for (let k = 0; k < q; k++) {
        s += z[k] * w[k * d + p];
        mag += Math.abs(z[k] * w[k * d + p]);
      }
      s += sigma * z[q + p];
      mag += Math.abs(sigma * z[q + p]);
      values[r * d + p] = Math.min(hi, Math.max(lo, s));
      scale[r * d + p] = mag;
    }
  }
  return { values, scale };
}

function ctx(extra: Partial<FitContext> = {}): FitContext {
  return { label: 'training-set', trainedOn: 'training-set', createdAt: '2024-06-11T00:00:00.000Z', ...extra };
}

async function anatomical(): Promise<ImageSet> {
  return readFixtureImage('images/anatomical.nii');
}

describe('the PPCA graph in onnxruntime', () => {
  it('declares ir_version 8, opset 17, z [N, q + d] -> image [N, C, H, W], and carries its manifest', async () => {
    const set = await anatomical();
    const model = await fitPpca(set, { sizeCap: 24 });
    const built = buildPpcaGenerator(model, trainingImageInfo(set, model.rows, model.columns));
    const info = readOnnxModelInfo(built.onnx);
    const q = model.components;
    assert.equal(info.irVersion, 8);
    assert.deepEqual(info.opsets, [{ domain: '', version: 17 }]);
    assert.deepEqual(info.inputs, [{ name: 'z', dims: ['N', q + 456], type: 'float32' }]);
    assert.deepEqual(info.outputs, [{ name: 'image', dims: ['N', 1, 24, 19], type: 'float32' }]);
    const manifest = validateManifest(JSON.parse(info.metadata[MANIFEST_METADATA_KEY]), 'metadata');
    assert.deepEqual(manifest, JSON.parse(JSON.stringify(built.manifest)));
    checkModelSignature(manifest, info); // what the inference path checks before it runs a model
    assert.equal(manifest.schema, 'medsynth.generator/1');
    assert.equal(manifest.modality, 'image');
    assert.equal(manifest.family, 'single-pass');
    assert.deepEqual(manifest.inputs.latent, { name: 'z', shape: [-1, q + 456], distribution: 'normal' });
    assert.deepEqual(manifest.outputs.sample, { name: 'image' });
    const post = imagePostprocess(manifest, 'medsynth.json');
    assert.deepEqual(
      [post.layout, post.channels, post.rows, post.columns, post.frames, post.photometric],
      ['NCHW', 1, 24, 19, 1, 'MONOCHROME2'],
    );
    assert.deepEqual(post.outputRange, model.valueRange);
    assert.deepEqual(post.valueRange, model.valueRange);
    const ppca = (manifest.postprocess as { ppca: Record<string, unknown> }).ppca;
    assert.equal(ppca.components, q);
    assert.equal(ppca.trainingFrames, 25);
    assert.equal(ppca.noiseVariance, Number(Math.fround(model.noiseVariance).toPrecision(9)));
    assert.ok((ppca.explainedVariance as number) > 0.95);
  });

  for (const [label, load, cap] of [
    ['anatomical.nii (grey, 25 slices)', anatomical, 24],
    [
      'RGB PNGs of five sizes',
      async (): Promise<ImageSet> => ({
        modality: 'image',
        images: (
          await Promise.all(
            ['palette_color.png', 'rgba.png', 'rgb_adam7.png', 'green_palette.png'].map((f) => readFixtureImage(`images/${f}`)),
          )
        ).flatMap((s) => s.images),
      }),
      16,
    ],
  ] as const) {
    it(`gives clip(z W^T + mu + sigma e) for fixed latents: ${label}`, async () => {
      const set = await load();
      const model = await fitPpca(set, { sizeCap: cap });
      const { onnx } = buildPpcaGenerator(model, trainingImageInfo(set, model.rows, model.columns));
      const dims = model.components + model.dims;
      for (const [seed, rows, gain] of [
        [7, 64, 1],
        [8, 16, 6], // latents scaled up so that many values clip
      ]) {
        const latent = fillLatent(seed, 0, rows, dims, 'normal').map((v) => v * gain);
        const out = await run(onnx, latent, rows, dims);
        assert.deepEqual(out.dims, [rows, model.channels, model.rows, model.columns]);
        const got = out.data as Float32Array;
        const want = expected(model, latent, rows);
        let clipped = 0;
        for (let i = 0; i < got.length; i++) {
          const tol = 1e-5 * want.scale[i] + 1e-6 * Math.abs(want.values[i]);
          if (!(Math.abs(got[i] - want.values[i]) <= tol)) assert.fail(`element ${i}: ${got[i]}, expected ${want.values[i]} (±${tol})`);
          if (got[i] === Math.fround(model.valueRange[0]) || got[i] === Math.fround(model.valueRange[1])) clipped++;
        }
        if (gain > 1) assert.ok(clipped > got.length / 50, `${clipped} of ${got.length} clipped`);
      }
    });
  }

  it('samples have mean mu and covariance W W^T + sigma^2 I (40,000 samples of a seeded rank-3 set)', async () => {
    const fitted = await fitPpca(syntheticSet('lowrank_5x5x80.f32', 80, 5, 5, 1));
    // The clip is the training range; widen it so this checks the Gaussian part alone.
    const model: PpcaModel = { ...fitted, valueRange: [-1e9, 1e9] };
    const { onnx } = buildPpcaGenerator(model, {});
    const d = model.dims;
    const dims = model.components + d;
    const n = 40_000;
    const got = (await run(onnx, fillLatent(2024, 0, n, dims, 'normal'), n, dims)).data as Float32Array;
    const mean = new Float64Array(d);
    for (let r = 0; r < n; r++) for (let p = 0; p < d; p++) mean[p] += got[r * d + p] / n;
    const cov = new Float64Array(d * d);
    for (let r = 0; r < n; r++)
      for (let p = 0; p < d; p++) {
        const a = got[r * d + p] - mean[p];
        for (let s = 0; s <= p; s++) cov[p * d + s] += (a * (got[r * d + s] - mean[s])) / (n - 1);
      }
    const M = (p: number, s: number): number => {
      let v = p === s ? model.noiseVariance : 0;
      for (let k = 0; k < model.components; k++) v += model.loadings[k * d + p] * model.loadings[k * d + s];
      return v;
    };
    for (let p = 0; p < d; p++) {
      const se = Math.sqrt(M(p, p) / n);
      assert.ok(Math.abs(mean[p] - model.mean[p]) <= 5 * se, `mean ${p}: ${mean[p]} vs ${model.mean[p]}`);
      for (let s = 0; s <= p; s++) {
        const seCov = Math.sqrt((M(p, p) * M(s, s) + M(p, s) ** 2) / n);
        assert.ok(Math.abs(cov[p * d + s] - M(p, s)) <= 5 * seCov, `cov ${p},${s}: ${cov[p * d + s]} vs ${M(p, s)} (se ${seCov})`);
      }
    }
    // With the real clip every value stays inside the training range.
    const real = buildPpcaGenerator(fitted, {});
    const clippedOut = (await run(real.onnx, fillLatent(3, 0, 500, dims, 'normal'), 500, dims)).data as Float32Array;
    for (const v of clippedOut) assert.ok(v >= Math.fround(fitted.valueRange[0]) && v <= Math.fround(fitted.valueRange[1]));
  });
});

describe('the manifest and the fitter', () => {
  it('takes units, spacing, window and DICOM modality where the set agrees (CT slices), and no identifiers', async () => {
    const files = ['dicom/synthetic/s_a.dcm', 'dicom/synthetic/s_b.dcm', 'dicom/synthetic/s_c.dcm'];
    const series = await readSeries(files);
    const separate: ImageSet = { modality: 'image', images: (await Promise.all(files.map(readFixtureImage))).flatMap((s) => s.images) };
    for (const set of [series, separate]) {
      const { manifest, onnx } = await ppcaFitter.fit(set, ctx());
      const post = imagePostprocess(manifest, 'medsynth.json');
      assert.equal(post.units, 'HU');
      assert.equal(post.dicomModality, 'CT');
      assert.deepEqual(post.spacing, { row: set.images[0].spacing?.row, column: set.images[0].spacing?.column });
      const text = JSON.stringify(manifest) + new TextDecoder('latin1').decode(onnx);
      for (const v of set.images) {
        assert.ok(!text.includes(v.id), `manifest or model names the volume id ${v.id}`);
        for (const f of v.sourceFiles) assert.ok(!text.includes(f.split('/').pop() ?? f), `names the file ${f}`);
      }
      assert.equal(manifest.provenance?.createdBy, 'medsynth fit --generator ppca');
      assert.equal(manifest.provenance?.trainedOn, 'training-set');
    }
  });

  it('scales the spacing by the resampling and leaves out what the set does not agree on', async () => {
    const ct = (await readFixtureImage('dicom/pydicom/CT_small.dcm')).images[0];
    const half = {
      ...ct,
      id: 'b',
      rows: 64,
      columns: 64,
      data: ct.data.subarray(0, 64 * 64),
      spacing: { row: 1.322936, column: 1.322936 },
    };
    const info = trainingImageInfo({ modality: 'image', images: [ct, half] }, 64, 64);
    assert.ok(Math.abs((info.spacing?.row ?? 0) - 0.661468 * 2) < 1e-9);
    assert.equal(info.units, 'HU');
    const noUnits = trainingImageInfo({ modality: 'image', images: [ct, { ...half, units: undefined, metadata: {} }] }, 64, 64);
    assert.equal(noUnits.units, undefined);
    assert.equal(noUnits.dicomModality, undefined);
    const png = await readFixtureImage('images/camera.png');
    const { manifest } = await ppcaFitter.fit(
      { modality: 'image', images: [...png.images, ...(await readFixtureImage('images/chessboard_GRAY.png')).images] },
      ctx(),
    );
    const post = imagePostprocess(manifest, 'medsynth.json');
    assert.equal(post.dicomModality, 'OT');
    assert.equal(post.units, undefined);
  });

  it('is ppca / Probabilistic PCA, reports progress and stops on cancel', async () => {
    assert.equal(ppcaFitter.id, 'ppca');
    assert.equal(ppcaFitter.title, 'Probabilistic PCA');
    const messages: string[] = [];
    await ppcaFitter.fit(await anatomical(), ctx({ onProgress: (m) => messages.push(m) }));
    assert.ok(
      messages.some((m) => m.includes('eigen-decomposition')),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => /components? keep/.test(m)),
      messages.join('\n'),
    );
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      ppcaFitter.fit(await anatomical(), ctx({ signal: controller.signal })),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
  });
});
