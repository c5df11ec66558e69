// Test helper: awaits a promise that must reject with a MedSynthError of one code, and returns the error
// so the caller can check its message.
import assert from 'node:assert/strict';
import { MedSynthError } from '../../src/core/errors';

export async function rejectsWith(p: Promise<unknown>, code: string): Promise<MedSynthError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof MedSynthError, `expected MedSynthError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}
