// generate's outFolder option (the host's Generate command): the sample goes to the default file of
// the generator's modality, which the registry gives (tables: synthetic.csv), with the same bytes as
// naming that file as `out`; asking for both or neither is BAD_USAGE before anything is loaded.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fitGenerator } from '../../../src/engine/fit';
import { generateSynthetic } from '../../../src/engine/generate';
import { InferenceClient } from '../../../src/engine/inferenceClient';
import { rejectsWith } from '../typedErrors';

const ROOT = join(__dirname, '..', '..', '..');
const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');
const BREAST = join(ROOT, 'test', 'fixtures', 'tables', 'breast_cancer.csv');

describe('generate into a folder', () => {
  let work: string;
  let client: InferenceClient;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'medsynth-outfolder-'));
    client = new InferenceClient({ script: INFERENCE_SCRIPT });
    await fitGenerator({ dataset: BREAST, outDir: join(work, 'gen') });
  });
  after(() => client.dispose());

  it("writes the modality's default file, byte for byte what naming it gives", async () => {
    mkdirSync(join(work, 'run'));
    const common = { generatorPath: join(work, 'gen'), n: 7, seed: 3, client, executionProviders: ['cpu' as const] };
    const res = await generateSynthetic({ ...common, outFolder: join(work, 'run') });
    assert.equal(res.out, join(work, 'run', 'synthetic.csv'));
    assert.deepEqual(readdirSync(join(work, 'run')), ['synthetic.csv']);
    await generateSynthetic({ ...common, out: join(work, 'named.csv') });
    assert.deepEqual(readFileSync(res.out), readFileSync(join(work, 'named.csv')));
    assert.equal(readFileSync(res.out, 'utf8').trimEnd().split('\n').length, 8);
  });

  it('refuses both an output file and a folder, and neither', async () => {
    const common = { generatorPath: join(work, 'gen'), n: 2, seed: 1, client };
    await rejectsWith(generateSynthetic({ ...common, out: join(work, 'a.csv'), outFolder: work }), 'BAD_USAGE');
    await rejectsWith(generateSynthetic(common), 'BAD_USAGE');
  });
});
