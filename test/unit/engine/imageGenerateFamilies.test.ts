// generate for every family of image generator the runtime takes, through the engine and the real
// inference process, on the tiny ONNX fixtures of test/reference/models_image_tiny.py: a conditional
// GAN with class counts (labels.csv names each file's class; shards write the single run's files), a
// conditional DDPM with classes spread evenly, a translation model fed from real slices (one output
// per source frame), latent diffusion through its decoder; and the refusals (no source for a
// translation model, an unknown class, counts that do not add up to n) that create nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSynthetic } from '../../../src/engine/generate';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import { rejectsWith } from '../typedErrors';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');
const TINY = join(ROOT, 'test', 'fixtures', 'models', 'image_tiny');
const ANATOMICAL = join(ROOT, 'test', 'fixtures', 'images', 'anatomical.nii');

describe('image generator families through generate', () => {
  let work: string;
  let client: InferenceClient;
  const cpu = ['cpu' as const];
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'medsynth-families-'));
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
  });
  after(() => client.dispose());

  it('a conditional GAN writes the asked counts per class and labels.csv; shards write the same files', async () => {
    const common = {
      generatorPath: join(TINY, 'gan_onehot'),
      n: 5,
      seed: 3,
      client,
      executionProviders: cpu,
      classCounts: { benign: 2, malignant: 3 },
    };
    const res = await generateSynthetic({ ...common, out: join(work, 'cond') });
    assert.equal(res.rows, 5);
    assert.equal(
      readFileSync(join(work, 'cond', 'labels.csv'), 'utf8'),
      'file,label\nsynthetic-000000.png,benign\nsynthetic-000001.png,benign\nsynthetic-000002.png,malignant\nsynthetic-000003.png,malignant\nsynthetic-000004.png,malignant\n',
    );
    await generateSynthetic({ ...common, out: join(work, 'cond-1'), shard: { index: 1, count: 2 } });
    for (const name of readdirSync(join(work, 'cond-1')).filter((n) => n.endsWith('.png')))
      assert.deepEqual(readFileSync(join(work, 'cond-1', name)), readFileSync(join(work, 'cond', name)), name);
    assert.match(readFileSync(join(work, 'cond-1', 'labels.csv'), 'utf8'), /^file,label\nsynthetic-000002\.png,malignant\n/);
  });

  it('a conditional DDPM spreads n evenly over its classes by default', async () => {
    await generateSynthetic({
      generatorPath: join(TINY, 'denoiser_index'),
      n: 3,
      seed: 1,
      client,
      executionProviders: cpu,
      out: join(work, 'ddpm'),
    });
    assert.equal(
      readFileSync(join(work, 'ddpm', 'labels.csv'), 'utf8'),
      'file,label\nsynthetic-000000.png,normal\nsynthetic-000001.png,normal\nsynthetic-000002.png,nodule\n',
    );
  });

  it('a translation model makes one image per source frame', async () => {
    const res = await generateSynthetic({
      generatorPath: join(TINY, 'translate'),
      n: 25,
      seed: 1,
      client,
      executionProviders: cpu,
      out: join(work, 'tr'),
      source: ANATOMICAL,
      format: 'npy',
    });
    assert.equal(res.files, 25);
    await rejectsWith(
      generateSynthetic({ generatorPath: join(TINY, 'translate'), n: 24, seed: 1, client, out: join(work, 'tr-bad'), source: ANATOMICAL }),
      'BAD_USAGE',
    );
    await rejectsWith(
      generateSynthetic({ generatorPath: join(TINY, 'translate'), n: 3, seed: 1, client, out: join(work, 'tr-none') }),
      'BAD_USAGE',
    );
    assert.equal(existsSync(join(work, 'tr-bad')) || existsSync(join(work, 'tr-none')), false);
  });

  it('latent diffusion decodes through its decoder', async () => {
    const res = await generateSynthetic({
      generatorPath: join(TINY, 'latent'),
      n: 2,
      seed: 1,
      client,
      executionProviders: cpu,
      out: join(work, 'latent'),
      format: 'nii',
    });
    assert.deepEqual(readdirSync(join(work, 'latent')).sort(), ['synthetic-000000.nii', 'synthetic-000001.nii']);
    assert.equal(res.generator.family, 'diffusion');
  });

  it('refuses an unknown class and counts that do not add up to n, creating nothing', async () => {
    const base = { generatorPath: join(TINY, 'gan_onehot'), seed: 1, client };
    const unknown = await rejectsWith(generateSynthetic({ ...base, n: 2, out: join(work, 'u'), classCounts: { cancer: 2 } }), 'BAD_USAGE');
    assert.match(unknown.message, /normal, benign, malignant/);
    await rejectsWith(generateSynthetic({ ...base, n: 5, out: join(work, 'v'), classCounts: { normal: 2 } }), 'BAD_USAGE');
    await rejectsWith(
      generateSynthetic({ generatorPath: join(TINY, 'gan'), seed: 1, client, n: 2, out: join(work, 'w'), classCounts: { a: 2 } }),
      'BAD_USAGE',
    );
    assert.deepEqual(
      ['u', 'v', 'w'].filter((n) => existsSync(join(work, n))),
      [],
    );
  });
});
