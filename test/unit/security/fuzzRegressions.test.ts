// Replays every input the fuzzer kept under test/fixtures/fuzz/<target>/ through the same bounded
// worker process (time, heap and RSS limits). Each must end exactly as test/fixtures/fuzz/expected.json
// records: the MedSynthError code and a fragment of its message. Ending in some valid result or some
// typed error is not enough, because a parser that silently starts to accept a corrupt file (or
// refuses it for another reason) would pass that. A failing case names a parser bug found by
// fuzzing; its .why.txt holds the original stack.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { REGRESSION_DIR, listRegressionInputs, replayInput } from '../../fuzz/replay';
import { FuzzWorker } from '../../fuzz/supervisor';
import { FAILURE_KINDS, ROOT } from '../../fuzz/targets';

interface Expectation {
  readonly outcome: 'error';
  readonly code: string;
  readonly messageIncludes: string;
}

const expected = (JSON.parse(readFileSync(join(REGRESSION_DIR, 'expected.json'), 'utf8')) as { inputs: Record<string, Expectation> })
  .inputs;
const worker = new FuzzWorker();
after(() => worker.dispose());

const inputs = listRegressionInputs();
const keyOf = (file: string): string => relative(REGRESSION_DIR, file).split('\\').join('/');

test('the fuzz regression corpus is present and every kept input has a recorded outcome', () => {
  assert.ok(inputs.length > 0, 'no inputs under test/fixtures/fuzz/');
  const kept = inputs.map((i) => keyOf(i.file)).sort();
  assert.deepEqual(
    kept.filter((k) => !(k in expected)),
    [],
    'kept inputs without an entry in test/fixtures/fuzz/expected.json',
  );
  assert.deepEqual(
    Object.keys(expected).filter((k) => !kept.includes(k)),
    [],
    'entries in expected.json whose input is gone',
  );
});

for (const input of inputs) {
  const want = expected[keyOf(input.file)];
  test(`${input.target}: ${relative(ROOT, input.file)} -> ${want ? want.code : '(no expectation)'}`, { timeout: 30_000 }, async () => {
    const outcome = await replayInput(worker, input);
    assert.ok(
      !FAILURE_KINDS.includes(outcome.kind),
      `${outcome.kind}: ${outcome.message ?? ''}\n${outcome.stack ?? ''}\n(see ${relative(ROOT, input.file)}.why.txt for the original failure)`,
    );
    assert.ok(want, `no expectation recorded for ${keyOf(input.file)} in test/fixtures/fuzz/expected.json`);
    assert.equal(
      outcome.kind,
      want.outcome,
      `ended in ${outcome.kind} (${outcome.code ?? ''} ${outcome.message ?? ''}), expected ${want.code}`,
    );
    assert.equal(outcome.code, want.code, `error ${outcome.code}: ${outcome.message ?? ''}`);
    assert.ok(outcome.message?.includes(want.messageIncludes), `message "${outcome.message ?? ''}" lacks "${want.messageIncludes}"`);
  });
}
