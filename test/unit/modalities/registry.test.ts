// The modality registry (src/core/modalities/registry.ts): lookups by dataset path, manifest and
// output extension; the UNSUPPORTED error for a registered modality lacking a capability (signals have
// no built-in fitter yet), raised by the engine jobs before they read or create anything; and a check
// that every modality folder under src/core/modalities/ is registered, so adding one is a folder plus
// one registry line and never a folder that nothing dispatches to.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import type { GeneratorManifest } from '../../../src/core/generators/manifest';
import type { ModalityDefinition } from '../../../src/core/modalities/modality';
import {
  MODALITIES,
  modalityById,
  modalityForKind,
  modalityForManifest,
  modalityForOutput,
  modalityForPath,
  requireEvaluation,
  requireFitter,
  requireModality,
  requireOutputs,
  requireSampleCodec,
  requireSplit,
  summariseDataset,
} from '../../../src/core/modalities/registry';
import { TABLE_METRICS } from '../../../src/core/metrics/registry';
import { evaluateSynthetic } from '../../../src/engine/evaluate';
import { fitGenerator } from '../../../src/engine/fit';
import { runFullLoop } from '../../../src/engine/fullLoop';
import { samplePostprocess } from '../../../src/engine/generate';

const ROOT = join(__dirname, '..', '..', '..');
const MODALITIES_DIR = join(ROOT, 'src', 'core', 'modalities');
const ECG = join(ROOT, 'samples', 'workspace', 'signals', 'ecg12.hea');
const BREAST = join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv');

function isError(code: string, message?: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof MedSynthError, `expected a MedSynthError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message !== undefined) assert.ok(e.message.includes(message), `'${e.message}' should say '${message}'`);
    return true;
  };
}

function idOf(m: ModalityDefinition | undefined): string | undefined {
  return m?.id;
}

function manifestOf(modality: GeneratorManifest['modality']): GeneratorManifest {
  return {
    schema: 'medsynth.generator/1',
    name: 'test',
    modality,
    family: 'single-pass',
    model: 'model.onnx',
    inputs: { latent: { name: 'z', shape: [-1, 4], distribution: 'normal' } },
    outputs: { sample: { name: 'x' } },
  };
}

describe('modality registry lookups', () => {
  it('finds the modality of a dataset by its name, by its first bytes, and sends unnamed files to the table reader', () => {
    const cases: [string, string][] = [
      ['patients.csv', 'table'],
      ['PATIENTS.TSV', 'table'],
      ['visits.parquet', 'table'],
      ['events.jsonl', 'table'],
      ['ct/slice1.dcm', 'image'],
      ['study/DICOMDIR', 'image'],
      ['brain.nii.gz', 'image'],
      ['brain.hdr', 'image'],
      ['xray.png', 'image'],
      ['photo.JPG', 'image'],
      ['100.hea', 'signal'],
      ['sleep.edf', 'signal'],
      ['eeg.bdf', 'signal'],
      ['model/tokenizer.json', 'text'],
      // The table reader sniffs the delimiter of a file whose name says nothing.
      ['export.txt', 'table'],
      ['data', 'table'],
    ];
    for (const [path, id] of cases) assert.equal(idOf(modalityForPath(path)), id, path);
    const dicm = new Uint8Array(132);
    dicm.set([0x44, 0x49, 0x43, 0x4d], 128);
    assert.equal(idOf(modalityForPath('IM0001', dicm)), 'image');
  });

  it('finds the modality by id, by dataset kind and by a manifest, and refuses an unknown id', () => {
    assert.deepEqual(
      MODALITIES.map((m) => m.id),
      ['table', 'image', 'signal', 'text'],
    );
    for (const m of MODALITIES) assert.equal(modalityById(m.id), m);
    assert.equal(modalityById('video'), undefined);
    assert.equal(idOf(modalityForKind('wfdb')), 'signal');
    assert.equal(idOf(modalityForKind('raster')), 'image');
    assert.equal(idOf(modalityForManifest(manifestOf('table'), 'gen')), 'table');
    assert.equal(idOf(modalityForManifest(manifestOf('image'), 'gen')), 'image');
    assert.throws(() => requireModality('video', 'gen/medsynth.json'), isError('UNSUPPORTED', "no modality 'video'"));
  });

  it('finds the writer of an output file by its extension; images are written as folders of files', () => {
    for (const out of ['synthetic.csv', 'out/s.TSV', 's.parquet', 's.pq', 's.jsonl', 's.ndjson'])
      assert.equal(idOf(modalityForOutput(out)), 'table', out);
    for (const out of ['s.png', 's.nii', 's.dcm', 's.txt', 'synthetic']) assert.equal(modalityForOutput(out), undefined, out);
    assert.equal(requireOutputs(requireModality('table')).defaultFile, 'synthetic.csv');
    const images = requireOutputs(requireModality('image'));
    assert.equal(images.defaultFile, 'synthetic');
    assert.deepEqual(images.itemFormats, ['png', 'dcm', 'nii', 'nii.gz', 'npy']);
    assert.equal(requireModality('table').outputs?.itemFormats, undefined);
  });

  it('gives images PPCA as their built-in fitter', () => {
    assert.equal(requireFitter(requireModality('image'), undefined).id, 'ppca');
    assert.throws(
      () => requireFitter(requireModality('image'), 'copula'),
      isError('BAD_USAGE', "unknown generator 'copula' (available: ppca)"),
    );
  });

  it('gives the table its copula as the default fitter and names the available ones for an unknown id', () => {
    const table = requireModality('table');
    assert.equal(requireFitter(table, undefined).id, 'copula');
    assert.equal(requireFitter(table, 'copula').id, 'copula');
    assert.throws(() => requireFitter(table, 'gan'), isError('BAD_USAGE', "unknown generator 'gan' (available: copula)"));
  });
});

describe('a registered modality lacking a capability', () => {
  const signal = requireModality('signal');
  const text = requireModality('text');

  it('is UNSUPPORTED, naming the modality and what it lacks', () => {
    assert.throws(() => requireFitter(signal, undefined, 'ecg.hea'), isError('UNSUPPORTED', 'signal: no built-in fitter yet'));
    assert.throws(() => requireFitter(signal, 'copula'), isError('UNSUPPORTED', 'signal: no built-in fitter yet'));
    assert.throws(() => requireSampleCodec(signal), isError('UNSUPPORTED', 'signal: no decoding of generator output yet'));
    assert.throws(() => requireOutputs(text), isError('UNSUPPORTED', 'text: no writer yet'));
    assert.throws(() => requireEvaluation(signal), isError('UNSUPPORTED', 'signal: no evaluation yet'));
    assert.throws(() => requireSplit(text), isError('UNSUPPORTED', 'text: no holdout split yet'));
    assert.throws(() => summariseDataset(text, {}), isError('UNSUPPORTED', 'text: no summary yet'));
  });

  it('stops a generator of that modality before sampling', () => {
    assert.throws(
      () => samplePostprocess(manifestOf('signal'), 'gen'),
      isError('UNSUPPORTED', 'signal: no decoding of generator output yet'),
    );
    assert.throws(() => samplePostprocess(manifestOf('table'), 'gen'), isError('MANIFEST_INVALID'));
  });

  it('stops fit, evaluate and the full loop on a signal before anything is read or created', async () => {
    const work = mkdtempSync(join(tmpdir(), 'medsynth-modality-'));
    await assert.rejects(
      fitGenerator({ dataset: ECG, outDir: join(work, 'gen') }),
      isError('UNSUPPORTED', 'signal: no built-in fitter yet'),
    );
    await assert.rejects(
      fitGenerator({ dataset: ECG, generator: 'copula', outDir: join(work, 'gen') }),
      isError('UNSUPPORTED', 'signal: no built-in fitter yet'),
    );
    assert.equal(existsSync(join(work, 'gen')), false);
    await assert.rejects(evaluateSynthetic({ real: ECG, synth: BREAST }), isError('UNSUPPORTED', 'signal: no evaluation yet'));
    await assert.rejects(
      runFullLoop({ dataset: ECG, workspaceRoot: work, seed: 1 }),
      isError('UNSUPPORTED', 'signal: no built-in fitter yet'),
    );
    assert.deepEqual(readdirSync(work), []);
  });
});

describe('the registry is complete', () => {
  it('registers every modality folder under src/core/modalities/, each under its folder name', async () => {
    const folders = readdirSync(MODALITIES_DIR).filter((n) => statSync(join(MODALITIES_DIR, n)).isDirectory());
    assert.ok(folders.length >= 1);
    for (const folder of folders) {
      const definitionFile = join(MODALITIES_DIR, folder, `${folder}Modality.ts`);
      assert.ok(existsSync(definitionFile), `src/core/modalities/${folder}/ needs ${folder}Modality.ts exporting ${folder}Modality`);
      const mod = (await import(definitionFile)) as Record<string, unknown>;
      const definition = mod[`${folder}Modality`];
      assert.ok(definition !== undefined, `${folder}Modality.ts exports ${folder}Modality`);
      assert.ok(
        MODALITIES.includes(definition as ModalityDefinition),
        `${folder}Modality is not listed in MODALITIES (src/core/modalities/registry.ts)`,
      );
      assert.equal((definition as ModalityDefinition).id, folder);
    }
    assert.equal(MODALITIES.length, folders.length, 'every registered modality has its own folder');
  });

  it('claims each dataset kind once and each output extension once', () => {
    const kinds = MODALITIES.flatMap((m) => m.datasetKinds);
    assert.equal(new Set(kinds).size, kinds.length);
    const extensions = MODALITIES.flatMap((m) => m.outputs?.extensions ?? []);
    assert.equal(new Set(extensions).size, extensions.length);
    assert.equal(MODALITIES.filter((m) => m.readsUnnamedFiles === true).length, 1);
  });

  it("lists only a modality's own metrics, and the table's are the table metric registry", () => {
    for (const m of MODALITIES) for (const metric of m.evaluation?.metrics ?? []) assert.equal(metric.modality, m.id, metric.id);
    assert.deepEqual(
      requireEvaluation(requireModality('table')).metrics.map((m) => m.id),
      TABLE_METRICS.map((m) => m.id),
    );
  });
});
