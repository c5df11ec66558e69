// The dialect flags as a command parses them: spellings normalised, bad values a one-line BAD_USAGE
// naming the flag and the choices, before any file is read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandArgs } from '../../../src/cli/args';
import { DIALECT_OPTIONS, dialectOptions } from '../../../src/cli/dialectOptions';
import { isMedSynthError } from '../../../src/core/errors';

const parse = (...argv: string[]): ReturnType<typeof dialectOptions> =>
  dialectOptions(parseCommandArgs('inspect', ['x.csv', ...argv], DIALECT_OPTIONS, { min: 1, max: 1 }), 'inspect');

function usage(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parse(...argv),
    (e: unknown) => {
      assert.ok(isMedSynthError(e), String(e));
      assert.equal(e.code, 'BAD_USAGE');
      assert.equal(e.exitCode, 2);
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes('\n'));
      return true;
    },
  );
}

describe('dialectOptions', () => {
  it('gives nothing when no flag is passed, so the reader sniffs', () => {
    assert.deepEqual(parse(), {});
  });

  it('normalises delimiter and encoding spellings', () => {
    assert.deepEqual(parse('--delimiter', ';'), { delimiter: ';' });
    assert.deepEqual(parse('--delimiter', 'tab'), { delimiter: '\t' });
    assert.deepEqual(parse('--delimiter', '\\t'), { delimiter: '\t' });
    assert.deepEqual(parse('--delimiter', 'whitespace'), { delimiter: 'whitespace' });
    assert.deepEqual(parse('--delimiter=|', '--encoding', 'Latin1', '--comment', '//'), {
      delimiter: '|',
      encoding: 'windows-1252',
      comment: '//',
    });
    assert.deepEqual(parse('--encoding', 'utf8'), { encoding: 'utf-8' });
  });

  it('refuses values no reader can use, naming the flag and the choices', () => {
    usage(['--delimiter', ';;'], /^inspect: --delimiter ";;" cannot separate fields \(expected one character/);
    usage(['--delimiter', ''], /^inspect: --delimiter "" cannot separate fields/);
    usage(['--delimiter', '"'], /^inspect: --delimiter "\\"" cannot separate fields/);
    usage(
      ['--encoding', 'utf-16'],
      /^inspect: --encoding "utf-16" is not one the table readers know \(expected utf-8, latin1 or windows-1252\)/,
    );
    usage(['--comment', ''], /^inspect: --comment prefix "" cannot mark comment lines/);
  });
});
