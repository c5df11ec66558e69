// What the table-reading commands let a user say about a file beyond its caps: `--types col=kind,...`
// replaces inference for the named columns, and the dialect flags (dialectOptions.ts) say how the file is
// written. Syntax and kinds are checked here, before anything is read; whether each named column exists is checked by the
// reader against the file's header, so the message can list real column names.
import { MedSynthError } from '../core/errors';
import { COLUMN_KINDS, isColumnKind } from '../core/data/table/columnInference';
import type { TableReadSettings } from '../core/data/table/readSettings';
import type { ColumnKind } from '../core/data/table/table';
import type { ParsedArgs } from './args';
import { DIALECT_OPTIONS, dialectOptions } from './dialectOptions';

export const TYPES_OPTION = { types: { type: 'string' } } as const;

/** Everything a table-reading command with column kinds accepts about how to read: dialect and --types. */
export const READ_OPTIONS = { ...DIALECT_OPTIONS, ...TYPES_OPTION } as const;

/** The dialect flags and --types, checked, as the engine's TableReadSettings. */
export function readSettingsOption(args: ParsedArgs, command: string): TableReadSettings {
  return { ...dialectOptions(args, command), types: typesOption(args, command) };
}

/** True when any dialect flag or --types was given (they apply to tables only). */
export function hasReadOptions(args: ParsedArgs): boolean {
  return Object.keys(READ_OPTIONS).some((name) => args.strings.has(name));
}

/**
 * Parses `--types age=numeric,patient_id=identifier`. A column name may itself hold '=' (the last '='
 * splits); it cannot hold ','. An empty list, an entry without '=', an unknown kind or a column named
 * twice is BAD_USAGE naming the entry and the valid kinds.
 */
export function typesOption(args: ParsedArgs, command: string): Readonly<Record<string, ColumnKind>> | undefined {
  const text = args.strings.get('types');
  if (text === undefined) return undefined;
  const kinds = COLUMN_KINDS.join(', ');
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0)
    throw new MedSynthError(
      'BAD_USAGE',
      `${command}: --types needs column=kind entries, e.g. --types age=numeric,patient_id=identifier (kinds: ${kinds})`,
    );
  // A Map, then fromEntries: a column called "__proto__" stays a column, not the object's prototype.
  const types = new Map<string, ColumnKind>();
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    const column = at > 0 ? entry.slice(0, at).trim() : '';
    const kind = at > 0 ? entry.slice(at + 1).trim() : '';
    if (column === '') throw new MedSynthError('BAD_USAGE', `${command}: --types entry '${entry}' must be column=kind (kinds: ${kinds})`);
    if (!isColumnKind(kind))
      throw new MedSynthError('BAD_USAGE', `${command}: --types gives column "${column}" the kind '${kind}', which is not one of ${kinds}`);
    if (types.has(column)) throw new MedSynthError('BAD_USAGE', `${command}: --types names column "${column}" twice`);
    types.set(column, kind);
  }
  return Object.fromEntries(types);
}
