// Option parsing in process: whole-number options give one message for every wrong value (negative
// numbers included, which node's parseArgs alone reads as options), and --types is checked for syntax
// and kinds before anything is read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { integerOption, joinNegativeValues, parseCommandArgs, requireInteger } from '../../../src/cli/args';
import { typesOption } from '../../../src/cli/readOptions';
import { MedSynthError } from '../../../src/core/errors';

const SPEC = { n: { type: 'string' }, seed: { type: 'string' }, types: { type: 'string' }, json: { type: 'boolean' } } as const;

function parse(argv: readonly string[]): ReturnType<typeof parseCommandArgs> {
  return parseCommandArgs('generate', argv, SPEC, { min: 0, max: 1 });
}

function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof MedSynthError, String(e));
    assert.equal(e.code, 'BAD_USAGE');
    return e.message;
  }
  assert.fail('expected a BAD_USAGE error');
}

describe('whole-number options', () => {
  it('joins a negative number to its option, and nothing else', () => {
    assert.deepEqual(joinNegativeValues(['--n', '-5', 'gen'], SPEC), ['--n=-5', 'gen']);
    assert.deepEqual(joinNegativeValues(['--n', '-.5'], SPEC), ['--n=-.5']);
    // A flag after a string option is a forgotten value, not a number: left for parseArgs to refuse.
    assert.deepEqual(joinNegativeValues(['--n', '--json'], SPEC), ['--n', '--json']);
    // Boolean options take no value, and unknown options are left alone.
    assert.deepEqual(joinNegativeValues(['--json', '-5'], SPEC), ['--json', '-5']);
    assert.deepEqual(joinNegativeValues(['--bogus', '-5'], SPEC), ['--bogus', '-5']);
    assert.deepEqual(joinNegativeValues(['--n=-5'], SPEC), ['--n=-5']);
  });

  it('gives one message for -5, 0, abc, 1.5, 1e3 and an empty value', () => {
    for (const value of ['-5', '0', 'abc', '1.5', '1e3', ' ', '+3', '0x10']) {
      const msg = usageMessage(() => integerOption(parse(['--n', value]), 'generate', 'n', 1));
      assert.equal(msg, `generate: --n must be a whole number of at least 1, got '${value}'`, value);
    }
    assert.equal(
      usageMessage(() => integerOption(parse(['--seed', '-1']), 'generate', 'seed', 0)),
      "generate: --seed must be a whole number of at least 0, got '-1'",
    );
    // 2^53 + 2 cannot be held exactly; the message names the upper end too.
    assert.match(
      usageMessage(() => integerOption(parse(['--n', '9007199254740994']), 'generate', 'n', 1)),
      /at least 1 and at most 9007199254740991, got '9007199254740994'/,
    );
  });

  it('accepts whole numbers from the minimum, and the fallback when absent', () => {
    assert.equal(integerOption(parse(['--n', '1']), 'generate', 'n', 1), 1);
    assert.equal(integerOption(parse(['--seed', '0']), 'generate', 'seed', 0), 0);
    assert.equal(integerOption(parse(['--n', '007']), 'generate', 'n', 1), 7);
    assert.equal(integerOption(parse(['--n', '9007199254740991']), 'generate', 'n', 1), Number.MAX_SAFE_INTEGER);
    assert.equal(integerOption(parse([]), 'generate', 'n', 1, 42), 42);
    assert.equal(
      usageMessage(() => requireInteger(parse([]), 'generate', 'n', 1)),
      'generate: --n is required',
    );
  });
});

describe('--types', () => {
  const types = (text: string): ReturnType<typeof typesOption> => typesOption(parse(['--types', text]), 'fit');

  it('reads column=kind pairs, trimming blanks; a name may hold "="', () => {
    assert.deepEqual(types('age=numeric, patient_id = identifier,'), { age: 'numeric', patient_id: 'identifier' });
    assert.deepEqual(types('a=b=text'), { 'a=b': 'text' });
    assert.equal(typesOption(parse([]), 'fit'), undefined);
  });

  it('keeps a column named __proto__ as a column', () => {
    const t = types('__proto__=text');
    assert.deepEqual(Object.keys(t ?? {}), ['__proto__']);
    assert.equal(Object.getPrototypeOf(t), Object.prototype);
  });

  it('refuses an unknown kind naming the column and every valid kind', () => {
    assert.equal(
      usageMessage(() => types('age=number')),
      'fit: --types gives column "age" the kind \'number\', which is not one of numeric, categorical, datetime, boolean, identifier, text',
    );
  });

  it('refuses entries without a kind, an empty list and a column named twice', () => {
    assert.match(
      usageMessage(() => types('age')),
      /--types entry 'age' must be column=kind \(kinds: numeric, categorical/,
    );
    assert.match(
      usageMessage(() => types('=numeric')),
      /--types entry '=numeric' must be column=kind/,
    );
    assert.match(
      usageMessage(() => types(',')),
      /--types needs column=kind entries/,
    );
    assert.match(
      usageMessage(() => types('age=numeric,age=text')),
      /names column "age" twice/,
    );
  });
});
