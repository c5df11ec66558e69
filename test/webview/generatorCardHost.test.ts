// The generator card's host side under plain Node (no browser): the card reader on the cases the page
// test does not open (a single .onnx carrying its manifest in metadata_props, a model that the
// medsynth.json beside it does not name, a model over the read cap, paths that are no generator) and
// the message handler's rules (Generate only on what the host read, nothing posted after dispose).
// Expected values come from the files themselves: the manifest JSON read here, sha256sum.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generatorCardHandler } from '../../src/host/generatorCardMessages';
import { readGeneratorCard } from '../../src/host/generatorCardModel';
import type { GeneratorCardHostMessage } from '../../src/protocol/generatorCard';
import { parseGeneratorCardHostMessage } from '../../src/protocol/generatorCard';
import { ROOT } from './realData';

const COPULA_ONNX = join(ROOT, 'test/fixtures/models/copula/model.onnx');
const DENOISER = join(ROOT, 'test/fixtures/models/image_tiny/denoiser_onehot');
const USER_TABLE = join(ROOT, 'test/fixtures/models/user-table');

const work = mkdtempSync(join(tmpdir(), 'medsynth-card-host-'));
after(() => rmSync(work, { recursive: true, force: true }));

function sha256sum(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

describe('generator card host', () => {
  it('reads a single .onnx carrying its manifest in metadata_props; Generate runs on the .onnx itself', async () => {
    const { card, generator } = await readGeneratorCard(COPULA_ONNX);
    assert.equal(card.manifestSource, 'the metadata_props of model.onnx');
    assert.equal(card.modality, 'table');
    assert.equal(card.model?.sha256, sha256sum(COPULA_ONNX));
    assert.deepEqual(card.errors, []);
    assert.ok(card.checks.every((c) => c.ok));
    assert.equal(card.canGenerate, true);
    assert.equal(generator, COPULA_ONNX);
    assert.ok(parseGeneratorCardHostMessage({ type: 'init', card }));
  });

  it('shows a model the medsynth.json beside it does not name as a bare model, saying which one it names', async () => {
    copyFileSync(join(USER_TABLE, 'medsynth.json'), join(work, 'medsynth.json'));
    copyFileSync(join(USER_TABLE, 'model.onnx'), join(work, 'model.onnx'));
    copyFileSync(join(USER_TABLE, 'model.onnx'), join(work, 'other.onnx'));
    const { card, generator } = await readGeneratorCard(join(work, 'other.onnx'));
    assert.deepEqual(card.notes, ['the medsynth.json beside it describes model.onnx, not this file']);
    assert.ok(card.missing && card.missing.length > 0);
    assert.equal(card.canGenerate, false);
    assert.equal(generator, undefined);
    // The folder itself is the generator the manifest describes.
    const folder = await readGeneratorCard(work);
    assert.equal(folder.generator, work);
  });

  it('hashes but does not parse a model over the read cap, and says so', async () => {
    const { card } = await readGeneratorCard(DENOISER, { maxModelBytes: 100 });
    assert.equal(card.inputs, undefined);
    assert.equal(card.model?.sha256, sha256sum(join(DENOISER, 'model.onnx')));
    assert.match(card.notes[0], /more than the 0\.00 MiB read here/);
    assert.ok(
      card.checks.every((c) => !/match the manifest/.test(c.message)),
      'no signature check without a signature',
    );
  });

  it('gives a typed error for paths that are no generator', async () => {
    writeFileSync(join(work, 'notes.txt'), 'hello');
    const cases: [string, RegExp][] = [
      [join(work, 'missing'), /^BAD_USAGE: .*no such generator folder or file/],
      [join(work, 'notes.txt'), /^BAD_USAGE: .*not a generator/],
      [join(ROOT, 'test/fixtures/models'), /^MANIFEST_INVALID: .*no medsynth\.json in the generator folder/],
    ];
    for (const [path, expected] of cases) {
      const { card, generator } = await readGeneratorCard(path);
      assert.match(card.errors[0] ?? '', expected, path);
      assert.equal(generator, undefined);
      assert.ok(parseGeneratorCardHostMessage({ type: 'init', card }));
    }
  });

  it('runs Generate only on what the host read, and posts nothing after dispose', async () => {
    const posted: GeneratorCardHostMessage[] = [];
    const generated: string[] = [];
    const handler = generatorCardHandler({
      file: DENOISER,
      read: () => readGeneratorCard(DENOISER),
      post: (m) => {
        posted.push(m);
        return Promise.resolve();
      },
      generate: (g) => {
        generated.push(g);
        return Promise.reject(new Error('generate failed'));
      },
      log: { info: () => undefined, error: () => undefined },
    });
    // Before the card was read there is nothing to generate from.
    await handler.handle({ type: 'generate' });
    assert.equal(posted.at(-1)?.type, 'error');
    assert.deepEqual(generated, []);
    await handler.handle({ type: 'ready' });
    assert.equal(posted.at(-1)?.type, 'init');
    await handler.handle({ type: 'generate' });
    assert.deepEqual(generated, [DENOISER]);
    const last = posted.at(-1);
    assert.ok(last?.type === 'error' && /generate failed/.test(last.message), 'a failed command comes back as a line');
    handler.dispose();
    const count = posted.length;
    await handler.handle({ type: 'ready' });
    assert.equal(posted.length, count);
  });
});
