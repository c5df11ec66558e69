// The demo image generators shipped in samples/generators/ (trained by scripts/train_demo_models.py):
// each folder loads through the real generator loader (manifest validation, the model's signature
// checked against it, the image postprocess block), and a few samples through the real inference
// client and child have the declared shape, finite values in the output range, depend only on the
// seed and the global index, and look like an axial brain slice at the coarsest level: a bright
// centre on a dark background (the training slices' background is -1, the brain above 0).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { imagePostprocess } from '../../../src/core/modalities/image/imagePostprocess';
import type { InferenceClient } from '../../../src/engine/inferenceClient';
import type { SampleCondition } from '../../../src/protocol/inference';
import { loadGenerator } from '../../../src/storage/generatorFolder';
import type { LoadedGenerator } from '../../../src/storage/generatorFolder';
import { testClient } from '../inference/imageTinyFixture';

const SAMPLES = join(__dirname, '..', '..', '..', 'samples', 'generators');
const SIDE = 32;
const PIXELS = SIDE * SIDE;

/** Mean of the centre 12 × 12 pixels and of the 3-pixel border, over every sample. */
function centreAndBorder(sample: Float32Array, rows: number): { centre: number; border: number } {
  let centre = 0;
  let nc = 0;
  let border = 0;
  let nb = 0;
  for (let s = 0; s < rows; s++)
    for (let r = 0; r < SIDE; r++)
      for (let c = 0; c < SIDE; c++) {
        const v = sample[s * PIXELS + r * SIDE + c];
        if (r >= 10 && r < 22 && c >= 10 && c < 22) {
          centre += v;
          nc++;
        } else if (r < 3 || r >= SIDE - 3 || c < 3 || c >= SIDE - 3) {
          border += v;
          nb++;
        }
      }
  return { centre: centre / nc, border: border / nb };
}

function assertImages(sample: Float32Array, rows: number, lo: number, hi: number): void {
  assert.equal(sample.length, rows * PIXELS);
  for (let i = 0; i < sample.length; i++)
    if (!(Number.isFinite(sample[i]) && sample[i] >= lo && sample[i] <= hi))
      assert.fail(`value ${i} is ${sample[i]}, expected [${lo}, ${hi}]`);
  const { centre, border } = centreAndBorder(sample, rows);
  assert.ok(border < -0.8, `the background (border mean ${border.toFixed(3)}) should be dark, near -1`);
  assert.ok(centre > 0, `the centre (mean ${centre.toFixed(3)}) should hold bright tissue`);
}

describe('demo generators in samples/generators', () => {
  let client: InferenceClient;
  let cvae: LoadedGenerator;
  let ddpm: LoadedGenerator;
  before(async () => {
    client = testClient();
    cvae = await loadGenerator(join(SAMPLES, 'brain-cvae'));
    ddpm = await loadGenerator(join(SAMPLES, 'brain-ddpm'));
  });
  after(() => client.dispose());

  const run = (gen: LoadedGenerator, rows: number, seed: number, firstRow = 0, condition?: SampleCondition) =>
    client.sample({
      modelPath: gen.modelPath,
      manifest: gen.manifest,
      rows,
      firstRow,
      seed,
      batch: 8,
      executionProviders: ['cpu'],
      ...(condition ? { condition } : {}),
    });

  it('both manifests validate, match their models and declare 32 × 32 MR slices in [-1, 1]', () => {
    for (const gen of [cvae, ddpm]) {
      const spec = imagePostprocess(gen.manifest, join(gen.folder, 'medsynth.json'));
      assert.equal(gen.manifest.modality, 'image');
      assert.deepEqual([spec.layout, spec.channels, spec.rows, spec.columns, spec.frames], ['NCHW', 1, SIDE, SIDE, 1]);
      assert.deepEqual(spec.outputRange, [-1, 1]);
      assert.equal(spec.dicomModality, 'MR');
      assert.ok(gen.signature, 'the loader read the model signature');
    }
    assert.equal(cvae.manifest.family, 'single-pass');
    assert.deepEqual(cvae.manifest.inputs.condition, { name: 'y', kind: 'onehot', classes: ['inferior', 'middle', 'superior'] });
    assert.equal(ddpm.manifest.family, 'diffusion');
    assert.equal(ddpm.manifest.diffusion?.timestepInput, 't');
    assert.equal(ddpm.manifest.diffusion?.sampleSteps, 50);
  });

  it('the conditional VAE: per-class samples, brain-like, fixed by seed and global index', async () => {
    const condition: SampleCondition = { kind: 'classes', counts: [2, 2, 2] };
    const a = await run(cvae, 6, 7, 0, condition);
    assert.equal(a.features, PIXELS);
    assertImages(a.sample, 6, -1, 1);
    assert.deepEqual((await run(cvae, 6, 7, 0, condition)).sample, a.sample);
    const shard = await run(cvae, 3, 7, 3, condition);
    assert.deepEqual(shard.sample, a.sample.slice(3 * PIXELS));
    const other = await run(cvae, 6, 8, 0, condition);
    assert.notDeepEqual(other.sample, a.sample);
    // The inferior class is a different picture from the superior one for the same latent rows.
    const inferior = await run(cvae, 2, 7, 0, { kind: 'classes', counts: [2, 0, 0] });
    const superior = await run(cvae, 2, 7, 0, { kind: 'classes', counts: [0, 0, 2] });
    let diff = 0;
    for (let i = 0; i < inferior.sample.length; i++) diff += Math.abs(inferior.sample[i] - superior.sample[i]);
    assert.ok(diff / inferior.sample.length > 0.05, `classes change the image (mean |diff| ${diff / inferior.sample.length})`);
  });

  it('the DDPM denoiser under 50 DDIM steps: brain-like samples, fixed by seed and global index', async () => {
    const a = await run(ddpm, 3, 11);
    assert.equal(a.features, PIXELS);
    assertImages(a.sample, 3, -1, 1);
    assert.deepEqual((await run(ddpm, 3, 11)).sample, a.sample);
    assert.deepEqual((await run(ddpm, 1, 11, 2)).sample, a.sample.slice(2 * PIXELS));
    assert.notDeepEqual((await run(ddpm, 3, 12)).sample, a.sample);
  });
});
