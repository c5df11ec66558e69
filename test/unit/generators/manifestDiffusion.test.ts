// The diffusion section and conditional inputs of medsynth.json, checked as untrusted input: each bad
// field is MANIFEST_INVALID naming its JSON path and the manifest file, a decoder that leaves the folder
// is PATH_ESCAPE, and a valid section comes back with the sampler defaults filled in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import type { MedSynthErrorCode } from '../../../src/core/errors';
import { checkModelSignature, conditionWidth, MAX_CLASSES, validateManifest } from '../../../src/core/generators/manifestValidation';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FILE = 'gens/ddpm/medsynth.json';

function base(): Json {
  return {
    schema: 'medsynth.generator/1',
    name: 'tiny-ddpm',
    modality: 'image',
    family: 'diffusion',
    model: 'model.onnx',
    inputs: {
      latent: { name: 'x_t', shape: [-1, 1, 8, 8], distribution: 'normal' },
      condition: { name: 'y', kind: 'onehot', classes: ['normal', 'nodule'] },
    },
    outputs: { sample: { name: 'eps' } },
    diffusion: {
      scheduler: 'ddim',
      trainSteps: 1000,
      sampleSteps: 50,
      betaSchedule: 'linear',
      prediction: 'epsilon',
      timestepInput: 't',
      guidanceScale: 3,
      nullCondition: [0, 0],
    },
  };
}

function rejects(change: (m: Json) => void, code: MedSynthErrorCode, message: RegExp): void {
  const m = base();
  change(m);
  assert.throws(
    () => validateManifest(m, FILE),
    (e: unknown) => {
      assert.ok(e instanceof MedSynthError, String(e));
      assert.equal(e.code, code, e.message);
      assert.match(e.message, message);
      assert.ok(e.message.includes(FILE), e.message);
      return true;
    },
  );
}

test('a diffusion manifest validates with the sampler defaults filled in', () => {
  const m = validateManifest(base(), FILE);
  assert.deepEqual(m.diffusion, {
    scheduler: 'ddim',
    trainSteps: 1000,
    sampleSteps: 50,
    betaSchedule: 'linear',
    betaStart: 1e-4,
    betaEnd: 0.02,
    prediction: 'epsilon',
    timestepSpacing: 'leading',
    eta: 0,
    guidanceScale: 3,
    timestepInput: 't',
    nullCondition: [0, 0],
  });
  assert.deepEqual(m.inputs.condition, { name: 'y', kind: 'onehot', classes: ['normal', 'nodule'] });
  assert.equal(conditionWidth(m.inputs.condition!), 2);
});

test('a latent decoder: path, input and output names, latent scale', () => {
  const m = base();
  Object.assign(m.diffusion, { decoder: 'vae/decoder.onnx', decoderInput: 'z', decoderOutput: 'image', latentScale: 0.18215 });
  const d = validateManifest(m, FILE).diffusion!;
  assert.equal(d.decoder, 'vae/decoder.onnx');
  assert.equal(d.decoderInput, 'z');
  assert.equal(d.decoderOutput, 'image');
  assert.equal(d.latentScale, 0.18215);
  rejects(
    (x) => Object.assign(x.diffusion, { decoder: '../decoder.onnx', decoderInput: 'z', decoderOutput: 'i' }),
    'PATH_ESCAPE',
    /\$\.diffusion\.decoder/,
  );
  rejects((x) => Object.assign(x.diffusion, { decoder: 'd.onnx', decoderOutput: 'i' }), 'MANIFEST_INVALID', /\$\.diffusion\.decoderInput/);
  rejects((x) => Object.assign(x.diffusion, { decoder: 'd.onnx', decoderInput: 'z' }), 'MANIFEST_INVALID', /\$\.diffusion\.decoderOutput/);
  rejects(
    (x) => Object.assign(x.diffusion, { decoder: 'd.onnx', decoderInput: 'z', decoderOutput: 'i', latentScale: 0 }),
    'MANIFEST_INVALID',
    /\$\.diffusion\.latentScale.*positive/,
  );
  rejects((x) => (x.diffusion.latentScale = 0.5), 'MANIFEST_INVALID', /\$\.diffusion\.latentScale.*without a decoder/);
});

test('the sampler configuration is checked by validateDiffusionConfig, naming the manifest', () => {
  rejects((m) => (m.diffusion.sampleSteps = 1001), 'MANIFEST_INVALID', /sampleSteps 1001 is outside 1\.\.trainSteps/);
  rejects((m) => (m.diffusion.scheduler = 'euler'), 'MANIFEST_INVALID', /diffusion\.scheduler "euler"/);
  rejects((m) => (m.diffusion.prediction = 'noise'), 'MANIFEST_INVALID', /diffusion\.prediction/);
  rejects((m) => (m.diffusion.eta = 2), 'MANIFEST_INVALID', /diffusion\.eta 2/);
  rejects((m) => (m.diffusion.clipSample = [1, -1]), 'MANIFEST_INVALID', /diffusion\.clipSample/);
  rejects((m) => (m.diffusion.trainSteps = 0), 'MANIFEST_INVALID', /diffusion\.trainSteps/);
});

test('the diffusion section belongs to family diffusion, and family diffusion needs it', () => {
  rejects((m) => delete m.diffusion, 'MANIFEST_INVALID', /\$\.diffusion: is missing/);
  rejects((m) => (m.family = 'single-pass'), 'MANIFEST_INVALID', /\$\.diffusion: is given for family single-pass/);
  rejects((m) => delete m.diffusion.timestepInput, 'MANIFEST_INVALID', /\$\.diffusion\.timestepInput/);
  rejects((m) => (m.diffusion.timestepInput = 'x_t'), 'MANIFEST_INVALID', /timestepInput: "x_t" is also the latent input/);
  rejects((m) => (m.diffusion.timestepInput = 'y'), 'MANIFEST_INVALID', /timestepInput: "y" is also the condition input/);
  rejects((m) => (m.diffusion.sampleInput = 'noisy'), 'MANIFEST_INVALID', /\$\.diffusion\.sampleInput/);
  rejects((m) => (m.inputs.latent.distribution = 'uniform'), 'MANIFEST_INVALID', /\$\.inputs\.latent\.distribution.*Gaussian/);
  rejects((m) => (m.inputs.latent.shape = [1, 1, 8, 8]), 'MANIFEST_INVALID', /\$\.inputs\.latent\.shape.*-1 first/);
  rejects((m) => (m.inputs.latent.shape = [-1, -1, 8, 8]), 'MANIFEST_INVALID', /\$\.inputs\.latent\.shape/);
  const m = base();
  m.diffusion.sampleInput = 'x_t';
  assert.equal(validateManifest(m, FILE).diffusion?.timestepInput, 't');
});

test('guidance needs a condition and its null condition, of the condition width', () => {
  rejects((m) => delete m.diffusion.nullCondition, 'MANIFEST_INVALID', /\$\.diffusion\.nullCondition: is missing/);
  rejects((m) => (m.diffusion.nullCondition = [0]), 'MANIFEST_INVALID', /nullCondition: has 1 values.*2 values/);
  rejects((m) => (m.diffusion.nullCondition = [0, 'x']), 'MANIFEST_INVALID', /\$\.diffusion\.nullCondition\[1\]/);
  rejects((m) => delete m.inputs.condition, 'MANIFEST_INVALID', /guidanceScale: is given without a condition input/);
  rejects((m) => delete m.diffusion.guidanceScale, 'MANIFEST_INVALID', /nullCondition: is given without guidanceScale/);
  rejects(
    (m) => (m.inputs.condition = { name: 'src', kind: 'source', shape: [-1, 1, 8, 8] }),
    'MANIFEST_INVALID',
    /guidanceScale: is given for a source condition/,
  );
  const index = base();
  index.inputs.condition = { name: 'y', kind: 'index', classes: ['a', 'b', 'c'] };
  index.diffusion.nullCondition = 3;
  assert.equal(validateManifest(index, FILE).diffusion?.nullCondition, 3);
  rejects(
    (m) => ((m.inputs.condition = { name: 'y', kind: 'index', classes: ['a'] }), (m.diffusion.nullCondition = [0])),
    'MANIFEST_INVALID',
    /nullCondition.*an integer/,
  );
  const vector = base();
  vector.inputs.condition = { name: 'y', kind: 'vector', shape: [-1, 3] };
  vector.diffusion.nullCondition = [0, 0, 0];
  assert.deepEqual(validateManifest(vector, FILE).inputs.condition, { name: 'y', kind: 'vector', shape: [-1, 3] });
});

test('condition classes: present for onehot and index, unique, non-blank, bounded', () => {
  rejects((m) => delete m.inputs.condition.classes, 'MANIFEST_INVALID', /\$\.inputs\.condition\.classes: is missing/);
  rejects((m) => (m.inputs.condition.classes = []), 'MANIFEST_INVALID', /classes: is empty/);
  rejects((m) => (m.inputs.condition.classes = ['a', 'a']), 'MANIFEST_INVALID', /classes\[1\]: duplicates class "a"/);
  rejects((m) => (m.inputs.condition.classes = ['a', ' ']), 'MANIFEST_INVALID', /classes\[1\]/);
  rejects((m) => (m.inputs.condition.classes = ['a', 7]), 'MANIFEST_INVALID', /classes\[1\]: is 7/);
  rejects((m) => (m.inputs.condition.classes = ['a', 'x'.repeat(257)]), 'MANIFEST_INVALID', /classes\[1\]/);
  rejects(
    (m) => (m.inputs.condition.classes = Array.from({ length: MAX_CLASSES + 1 }, (_, i) => `c${i}`)),
    'MANIFEST_INVALID',
    /classes: is not an array.*at most 10000/,
  );
  rejects((m) => (m.inputs.condition.shape = [-1, 2]), 'MANIFEST_INVALID', /condition\.shape: is given for a onehot condition/);
  rejects((m) => (m.inputs.condition.kind = 'label'), 'MANIFEST_INVALID', /condition\.kind/);
});

test('vector and source conditions need a shape [-1, ...] and take no classes', () => {
  const source = (m: Json, c: Json): void => {
    m.inputs.condition = c;
    delete m.diffusion.guidanceScale;
    delete m.diffusion.nullCondition;
  };
  rejects((m) => source(m, { name: 's', kind: 'source' }), 'MANIFEST_INVALID', /condition\.shape: is missing/);
  rejects((m) => source(m, { name: 's', kind: 'source', shape: [1, 8, 8] }), 'MANIFEST_INVALID', /condition\.shape: is \[1, 8, 8\]/);
  rejects((m) => source(m, { name: 's', kind: 'source', shape: [-1] }), 'MANIFEST_INVALID', /condition\.shape/);
  rejects(
    (m) => source(m, { name: 's', kind: 'vector', shape: [-1, 2], classes: ['a'] }),
    'MANIFEST_INVALID',
    /condition\.classes: is given for a vector condition/,
  );
  rejects((m) => source(m, { name: 's', kind: 'source', shape: [-1, 1000, 1000, 1000] }), 'LIMIT_EXCEEDED', /condition\.shape/);
  const m = base();
  source(m, { name: 's', kind: 'source', shape: [-1, 1, 8, 8] });
  const v = validateManifest(m, FILE);
  assert.equal(conditionWidth(v.inputs.condition!), 64);
});

test('checkModelSignature: a diffusion model takes its timestep, and nothing the manifest does not feed', () => {
  const m = validateManifest(base(), FILE);
  const io = {
    inputs: [
      { name: 'x_t', dims: ['n', 1, 8, 8] },
      { name: 't', dims: ['n'] },
      { name: 'y', dims: ['n', 2] },
    ],
    outputs: [{ name: 'eps', dims: ['n', 1, 8, 8] }],
  };
  checkModelSignature(m, io);
  const mismatch = (e: unknown, re: RegExp): boolean => e instanceof MedSynthError && e.code === 'MODEL_MISMATCH' && re.test(e.message);
  assert.throws(
    () => checkModelSignature(m, { ...io, inputs: io.inputs.filter((i) => i.name !== 't') }),
    (e) => mismatch(e, /timestep input "t"/),
  );
  assert.throws(
    () => checkModelSignature(m, { ...io, inputs: [...io.inputs, { name: 'mask', dims: ['n'] }] }),
    (e) => mismatch(e, /mask/),
  );
});
