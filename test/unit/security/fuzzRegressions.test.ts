// Replays every input the fuzzer kept under test/fixtures/fuzz/<target>/ through the same bounded
// worker process (time, heap and RSS limits): each must now end in a valid result or a MedSynthError.
// A failing case here names a parser bug found by fuzzing; its .why.txt holds the original stack.
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { after, test } from 'node:test';
import { listRegressionInputs, replayInput } from '../../fuzz/replay';
import { FuzzWorker } from '../../fuzz/supervisor';
import { FAILURE_KINDS, ROOT } from '../../fuzz/targets';

const worker = new FuzzWorker();
after(() => worker.dispose());

const inputs = listRegressionInputs();

test('the fuzz regression corpus is present', () => {
  assert.ok(inputs.length > 0, 'no inputs under test/fixtures/fuzz/');
});

for (const input of inputs) {
  test(`${input.target}: ${relative(ROOT, input.file)}`, { timeout: 30_000 }, async () => {
    const outcome = await replayInput(worker, input);
    assert.ok(
      !FAILURE_KINDS.includes(outcome.kind),
      `${outcome.kind}: ${outcome.message ?? ''}\n${outcome.stack ?? ''}\n(see ${relative(ROOT, input.file)}.why.txt for the original failure)`,
    );
  });
}
