// The CSV dialect flags shared by every command that reads a table (`--delimiter`, `--encoding`,
// `--comment`): what a user passes when the reader's guess is wrong, as its notes and errors
// suggest. Values are checked here, before any file is opened, so a typo exits 2 with one line.
import type { ParsedArgs } from './args';
import type { TableDialect } from '../core/data/table/readSettings';
import { MedSynthError, isMedSynthError } from '../core/errors';
import { resolveDialect } from '../core/data/table/readSettings';

export const DIALECT_OPTIONS = { delimiter: { type: 'string' }, encoding: { type: 'string' }, comment: { type: 'string' } } as const;

/** The dialect flags given, checked and normalised ('tab' and '\t' mean the tab character). */
export function dialectOptions(args: ParsedArgs, command: string): TableDialect {
  const dialect: { delimiter?: string; encoding?: string; comment?: string } = {};
  for (const name of ['delimiter', 'encoding', 'comment'] as const) {
    const v = args.strings.get(name);
    if (v === undefined) continue;
    try {
      const resolved = resolveDialect({ [name]: v });
      dialect[name] = resolved[name];
    } catch (e) {
      // The reader's message starts with the option's name: "delimiter ";;" cannot separate fields".
      if (isMedSynthError(e)) throw new MedSynthError('BAD_USAGE', `${command}: --${e.message}`);
      throw e;
    }
  }
  return dialect;
}
