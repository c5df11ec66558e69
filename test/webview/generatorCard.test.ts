// The generator card app in headless Chromium under the real CSP, driven by the host's own message
// logic (src/host/generatorCardMessages.ts) over the real card reader (generatorCardModel.ts), so the
// page gets exactly the messages VS Code would deliver. Expected values come from elsewhere: each
// model's inputs and outputs (names, shapes, element types) from onnxruntime-node's own reading of the
// file, hashes from sha256sum, the manifest's parts from the medsynth.json read here as plain JSON, the
// copula's columns from the manifest the real fit wrote. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { fitGenerator } from '../../src/engine/fit';
import { generatorCardHandler } from '../../src/host/generatorCardMessages';
import { readGeneratorCard } from '../../src/host/generatorCardModel';
import { parseGeneratorCardHostMessage, parseGeneratorCardMessage } from '../../src/protocol/generatorCard';
import type { GeneratorCardHostMessage } from '../../src/protocol/generatorCard';
import type { AppPage } from './harness';
import { useWebviewSession } from './harness';
import { ROOT } from './realData';

const RESULTS = join(ROOT, 'test-results');
const webviews = useWebviewSession(RESULTS);

const DENOISER = join(ROOT, 'test/fixtures/models/image_tiny/denoiser_onehot');
const BARE = join(ROOT, 'test/fixtures/models/image_tiny/embedder/model.onnx');
const CORRUPT = join(ROOT, 'test/fixtures/models/bad/corrupt.onnx');
const WRONG_FEATURES = join(ROOT, 'test/fixtures/models/bad/wrong-features');
const BREAST = join(ROOT, 'test/fixtures/tables/breast_cancer.csv');

let work = '';
let copula = '';
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'medsynth-card-'));
  copula = join(work, 'copula');
  await fitGenerator({ dataset: BREAST, outDir: copula });
});
after(() => rmSync(work, { recursive: true, force: true }));

function sha256sum(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

interface Io {
  readonly name: string;
  readonly type: string;
  readonly shape: string;
}

/** The model's inputs and outputs as onnxruntime reads them, in the card's spelling of a shape. */
async function ortIo(model: string): Promise<{ inputs: Io[]; outputs: Io[] }> {
  const session = await ort.InferenceSession.create(model);
  const io = (list: readonly ort.InferenceSession.ValueMetadata[]): Io[] =>
    list.map((m) => {
      assert.ok(m.isTensor, `${m.name} is a tensor`);
      // onnxruntime reports a dimension the model leaves unnamed as -1 too (its symbolic name otherwise).
      return { name: m.name, type: m.type, shape: `[${m.shape.join(', ')}]` };
    });
  const out = { inputs: io(session.inputMetadata), outputs: io(session.outputMetadata) };
  await session.release();
  return out;
}

interface Opened {
  readonly app: AppPage;
  readonly sent: GeneratorCardHostMessage[];
  readonly generated: string[];
}

/** Opens the card on a path with the real host logic; every posted message must pass the webview's validator. */
async function openCard(path: string): Promise<Opened> {
  const sent: GeneratorCardHostMessage[] = [];
  const generated: string[] = [];
  let pageReady: (app: AppPage) => void = () => undefined;
  const opened = new Promise<AppPage>((resolve) => (pageReady = resolve));
  const handler = generatorCardHandler({
    file: path,
    read: () => readGeneratorCard(path),
    post: async (m) => {
      assert.ok(parseGeneratorCardHostMessage(m), `a valid host message: ${JSON.stringify(m).slice(0, 400)}`);
      sent.push(m);
      await (await opened).send(m);
    },
    generate: (g) => {
      generated.push(g);
      return Promise.resolve();
    },
    log: { info: () => undefined, error: () => undefined },
  });
  const app = await webviews.open('generatorCard', async (raw) => {
    const m = parseGeneratorCardMessage(raw);
    assert.ok(m, `the host validator accepts every message the webview posts: ${JSON.stringify(raw)}`);
    await handler.handle(m);
  });
  pageReady(app);
  await app.page.waitForSelector('main.card[data-ready]', { timeout: 15_000 });
  return { app, sent, generated };
}

/** Rows of one tensor table as the page shows them. */
async function tensorRows(
  app: AppPage,
  section: 'inputs' | 'outputs',
): Promise<{ name: string; type: string; shape: string; role: string }[]> {
  return app.page.$$eval(`section[data-section="${section}"] tbody tr`, (rows) =>
    rows.map((r) => {
      const c = [...r.querySelectorAll('td')].map((td) => td.textContent ?? '');
      return { name: c[0], type: c[1], shape: c[2], role: c[3] };
    }),
  );
}

async function fieldText(app: AppPage, section: string, label: string): Promise<string> {
  return app.page.$eval(`section[data-section="${section}"] dd[data-field="${label}"]`, (e) => e.textContent ?? '');
}

async function checkLines(app: AppPage, kind: 'ok' | 'error' | 'note'): Promise<string[]> {
  return app.page.$$eval(`li.check.${kind} .message`, (els) => els.map((e) => e.textContent ?? ''));
}

function assertClean(app: AppPage): void {
  assert.deepEqual(app.problems, [], 'no CSP violation, console error or page error');
}

describe('generator card', () => {
  it('shows a conditional diffusion generator: model and hash, io as onnxruntime reads it, sampler, classes, provenance; Generate runs on the folder', async () => {
    const manifest = JSON.parse(readFileSync(join(DENOISER, 'medsynth.json'), 'utf8')) as {
      name: string;
      model: string;
      diffusion: { scheduler: string; sampleSteps: number; trainSteps: number; prediction: string; guidanceScale: number };
      inputs: { condition: { classes: string[] } };
      provenance: { createdBy: string; license: string };
    };
    const model = join(DENOISER, manifest.model);
    const reference = await ortIo(model);
    // Opened by its model file: the medsynth.json beside it names it.
    const { app, generated } = await openCard(model);
    const { page } = app;
    assert.equal(await page.textContent('h1.name'), manifest.name);
    assert.equal(await page.textContent('p.facts'), 'image generator · family diffusion');
    assert.equal(await page.textContent('dd[data-field="model-file"]'), manifest.model);
    assert.equal(await page.textContent('dd[data-field="model-sha256"]'), sha256sum(model));
    assert.equal(await page.textContent('dd[data-field="manifest-source"]'), 'medsynth.json');

    const inputs = await tensorRows(app, 'inputs');
    assert.deepEqual(
      inputs.map(({ name, type, shape }) => ({ name, type, shape })),
      reference.inputs,
    );
    assert.deepEqual(
      await tensorRows(app, 'outputs').then((r) => r.map(({ name, type, shape }) => ({ name, type, shape }))),
      reference.outputs,
    );
    const role = (name: string): string => inputs.find((i) => i.name === name)?.role ?? '';
    assert.equal(role('x_t'), 'latent noise (normal) [-1, 1, 8, 8]');
    assert.equal(role('t'), 'timestep');
    assert.equal(role('y'), 'condition (onehot) [-1, 2]');
    assert.deepEqual(await checkLines(app, 'error'), []);
    assert.ok((await checkLines(app, 'ok')).includes("the model's inputs and outputs match the manifest"));

    const d = manifest.diffusion;
    assert.equal(await fieldText(app, 'diffusion', 'scheduler'), d.scheduler.toUpperCase());
    assert.equal(await fieldText(app, 'diffusion', 'steps'), `${d.sampleSteps} of ${d.trainSteps} training steps`);
    assert.match(await fieldText(app, 'diffusion', 'prediction'), new RegExp(`^${d.prediction} `));
    assert.equal(await fieldText(app, 'diffusion', 'guidance'), `classifier-free, scale ${d.guidanceScale}`);
    assert.deepEqual(
      await page.$$eval('section[data-section="condition"] ol.items li', (els) => els.map((e) => e.textContent)),
      manifest.inputs.condition.classes,
    );
    const output = await page.textContent('section[data-section="output"] pre.lines');
    assert.match(output ?? '', /grey images of 8 rows x 8 columns \(NCHW\)/);
    assert.match(output ?? '', /\[-1, 1\] -> \[0, 255\]/);
    assert.equal(await fieldText(app, 'provenance', 'created by'), manifest.provenance.createdBy);
    assert.equal(await fieldText(app, 'provenance', 'licence'), manifest.provenance.license);
    assert.equal(await fieldText(app, 'provenance', 'trained on'), 'not recorded');
    await page.screenshot({ path: join(RESULTS, 'webview-generator-card-diffusion.png'), fullPage: true });

    assert.equal(await page.isEnabled('button[data-action="generate"]'), true);
    await page.click('button[data-action="generate"]');
    await app.waitForPosted((m) => (m as { type?: string }).type === 'generate');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(generated, [DENOISER], 'Generate… runs on the generator folder the host read');
    assertClean(app);
    await page.close();
  });

  it('shows a copula fitted on breast_cancer.csv: every column with its kind, the training data and its hash', async () => {
    const manifest = JSON.parse(readFileSync(join(copula, 'medsynth.json'), 'utf8')) as {
      name: string;
      model: string;
      postprocess: { columns: { name: string; kind: string }[] };
      provenance: { trainedOn: string; trainingDataSha256: string; createdAt: string };
    };
    const reference = await ortIo(join(copula, manifest.model));
    // Opened on its medsynth.json (Open With), titled by the folder.
    const { app } = await openCard(join(copula, 'medsynth.json'));
    const { page } = app;
    assert.equal(await page.textContent('h1.name'), manifest.name);
    assert.equal(await page.textContent('.card-header .title'), basename(copula));
    assert.equal(await page.textContent('p.facts'), 'table generator · family single-pass');
    assert.equal(await page.textContent('dd[data-field="model-sha256"]'), sha256sum(join(copula, manifest.model)));
    assert.deepEqual(
      await tensorRows(app, 'inputs').then((r) => r.map(({ name, type, shape }) => ({ name, type, shape }))),
      reference.inputs,
    );
    assert.deepEqual(
      await tensorRows(app, 'outputs').then((r) => r.map(({ name, type, shape }) => ({ name, type, shape }))),
      reference.outputs,
    );
    const lines = ((await page.textContent('section[data-section="output"] pre.lines')) ?? '').split('\n');
    assert.equal(lines[0], `columns (${manifest.postprocess.columns.length}):`);
    manifest.postprocess.columns.forEach((c, i) => {
      const cells = lines[i + 1].trim().split(/\s+/);
      assert.equal(cells[0], c.name);
      assert.equal(cells[1], c.kind);
    });
    assert.equal(await fieldText(app, 'provenance', 'trained on'), manifest.provenance.trainedOn);
    assert.equal(manifest.provenance.trainedOn, 'breast_cancer.csv');
    assert.equal(await fieldText(app, 'provenance', 'training data SHA-256'), sha256sum(BREAST));
    assert.equal(await fieldText(app, 'provenance', 'created at'), manifest.provenance.createdAt);
    assert.equal(await page.$('section[data-section="diffusion"]'), null, 'no diffusion part for a single-pass generator');
    assert.equal(await page.isEnabled('button[data-action="generate"]'), true);
    await page.screenshot({ path: join(RESULTS, 'webview-generator-card-copula.png'), fullPage: true });
    assertClean(app);
    await page.close();
  });

  it('shows a model without a manifest: its inputs and outputs, and what MedSynth needs to run it', async () => {
    const reference = await ortIo(BARE);
    const { app, generated } = await openCard(BARE);
    const { page } = app;
    assert.equal(await page.textContent('h1.name'), 'model.onnx');
    assert.deepEqual(
      await tensorRows(app, 'inputs').then((r) => r.map(({ name, type, shape }) => ({ name, type, shape }))),
      reference.inputs,
    );
    assert.deepEqual(
      await tensorRows(app, 'outputs').then((r) => r.map(({ name, type, shape }) => ({ name, type, shape }))),
      reference.outputs,
    );
    const missing = await page.$$eval('section[data-section="missing"] li', (els) => els.map((e) => e.textContent ?? ''));
    assert.match(missing[0], /medsynth\.json beside the model.*metadata_props/);
    assert.ok(
      missing.some((m) => m.includes(`"${reference.inputs[0].name}"`)),
      'names the model inputs a latent could be',
    );
    assert.ok(
      missing.some((m) => m.includes(`"${reference.outputs[0].name}"`)),
      'names the outputs a sample could be',
    );
    assert.equal(await page.isEnabled('button[data-action="generate"]'), false);
    await page.screenshot({ path: join(RESULTS, 'webview-generator-card-no-manifest.png'), fullPage: true });
    assert.deepEqual(generated, []);
    await page.close();
  });

  it('shows a corrupt .onnx and a mismatched manifest as typed error lines, never a crash', async () => {
    const corrupt = await openCard(CORRUPT);
    const errors = await checkLines(corrupt.app, 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^MODEL_INVALID: .*corrupt\.onnx.*not a valid ONNX/);
    assert.equal(await corrupt.app.page.textContent('dd[data-field="model-sha256"]'), sha256sum(CORRUPT));
    assert.equal(await corrupt.app.page.$('section[data-section="inputs"]'), null);
    assert.equal(await corrupt.app.page.isEnabled('button[data-action="generate"]'), false);
    await corrupt.app.page.screenshot({ path: join(RESULTS, 'webview-generator-card-corrupt.png'), fullPage: true });
    assertClean(corrupt.app);
    await corrupt.app.page.close();

    const wrong = await openCard(WRONG_FEATURES);
    const mismatch = await checkLines(wrong.app, 'error');
    assert.deepEqual(mismatch, ['MODEL_MISMATCH: table output "x" has 6 features but the manifest declares 7']);
    assert.equal(await wrong.app.page.isEnabled('button[data-action="generate"]'), false);
    await wrong.app.page.screenshot({ path: join(RESULTS, 'webview-generator-card-mismatch.png'), fullPage: true });
    // Generate from a card that cannot run is refused by the host with a line, whatever the page sends.
    await wrong.app.page.evaluate(() => document.querySelector('button[data-action="generate"]')?.removeAttribute('disabled'));
    await wrong.app.page.click('button[data-action="generate"]');
    await wrong.app.page.waitForSelector('p.host-error');
    assert.match((await wrong.app.page.textContent('p.host-error')) ?? '', /cannot be generated from/);
    assert.deepEqual(wrong.generated, []);
    await wrong.app.page.close();
  });

  it('shows hostile manifests as the validator’s typed error: a path out of the folder, deep JSON, junk, a huge file', async () => {
    const model = join(WRONG_FEATURES, 'model.onnx');
    const cases: { name: string; manifest: string; expect: RegExp }[] = [
      {
        name: 'escape',
        manifest: JSON.stringify({ ...JSON.parse(readFileSync(join(WRONG_FEATURES, 'medsynth.json'), 'utf8')), model: '../../etc/passwd' }),
        expect: /^PATH_ESCAPE: .*\$\.model/,
      },
      { name: 'deep', manifest: `${'['.repeat(5000)}${']'.repeat(5000)}`, expect: /^LIMIT_EXCEEDED: .*nested more than 32 levels/ },
      { name: 'junk', manifest: '{"schema": "medsynth.generator/1", "name": ', expect: /^MANIFEST_INVALID: .*not valid JSON/ },
      { name: 'huge', manifest: `{"x": "${'a'.repeat(2 * 1024 * 1024)}"}`, expect: /^LIMIT_EXCEEDED: .*too large/ },
      { name: 'proto', manifest: '{"__proto__": {"canGenerate": true}, "schema": "medsynth.generator/1"}', expect: /^MANIFEST_INVALID: / },
    ];
    for (const c of cases) {
      const folder = join(work, `hostile-${c.name}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'medsynth.json'), c.manifest);
      copyFileSync(model, join(folder, 'model.onnx'));
      const read = await readGeneratorCard(folder);
      assert.equal(read.card.errors.length, 1, `${c.name}: ${JSON.stringify(read.card.errors)}`);
      assert.match(read.card.errors[0], c.expect, c.name);
      assert.equal(read.card.canGenerate, false);
      assert.equal(read.generator, undefined);
      assert.ok(parseGeneratorCardHostMessage({ type: 'init', card: read.card }), `${c.name}: a card the webview accepts`);
    }
    // One of them in the page: the error line, no Generate.
    const { app } = await openCard(join(work, 'hostile-escape'));
    assert.match((await checkLines(app, 'error'))[0], /^PATH_ESCAPE: /);
    assert.equal(await app.page.isEnabled('button[data-action="generate"]'), false);
    assertClean(app);
    await app.page.close();
  });

  it('shows a bad host message as an error line, and has validators that refuse malformed messages on both sides', async () => {
    const { app } = await openCard(DENOISER);
    await app.send({ type: 'init', card: { title: 'x', checks: 'no', sections: [], errors: [], notes: [], canGenerate: true } });
    await app.page.waitForSelector('p.host-error');
    assert.match((await app.page.textContent('p.host-error')) ?? '', /cannot show/);
    assert.equal(await app.page.textContent('h1.name'), 'tiny-ddim-cfg-onehot', 'the card shown stays');
    await app.page.close();

    assert.deepEqual(parseGeneratorCardMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(
      parseGeneratorCardMessage({ type: 'generate', generator: '/etc' }),
      { type: 'generate' },
      'a path the page names is dropped',
    );
    for (const bad of [null, 'ready', [], { type: 'open' }, { type: 42 }]) assert.equal(parseGeneratorCardMessage(bad), undefined);
    const good = (await readGeneratorCard(DENOISER)).card;
    assert.ok(parseGeneratorCardHostMessage({ type: 'init', card: good }));
    for (const card of [
      { ...good, canGenerate: 'yes' },
      { ...good, model: { ...good.model, sha256: 'not a hash' } },
      { ...good, inputs: [{ name: 'x', dims: [1.5] }] },
      { ...good, sections: [{ id: 'Bad Id', title: 't', fields: [] }] },
      { ...good, errors: ['x'.repeat(100_000)] },
    ])
      assert.equal(parseGeneratorCardHostMessage({ type: 'init', card }), undefined);
  });
});
