// How the table preview's type picker changes the medsynth.columns setting: one table's entry gains or
// replaces a column's kind, or goes away. Pure, so the host writes exactly what the tests check. The
// setting is the user's own text: entries of other tables, and values this code does not understand,
// are passed through untouched rather than dropped.
import type { ColumnKind } from '../data/table/table';

/** The setting's value as stored (medsynth.columns at one configuration level), or a fresh object. */
function asObject(current: unknown): Record<string, unknown> {
  return typeof current === 'object' && current !== null && !Array.isArray(current) ? { ...(current as Record<string, unknown>) } : {};
}

/** The setting with `column` of table `key` set to `kind`; the table's other columns keep theirs. */
export function withColumnKind(current: unknown, key: string, column: string, kind: ColumnKind): Record<string, unknown> {
  const next = asObject(current);
  next[key] = { ...asObject(next[key]), [column]: kind };
  return next;
}

/** The setting without table `key`'s entry; undefined when nothing is left, so the key leaves settings.json. */
export function withoutTable(current: unknown, key: string): Record<string, unknown> | undefined {
  const next = asObject(current);
  delete next[key];
  return Object.keys(next).length > 0 ? next : undefined;
}

/** What the preview says after saving a kind: where it went, and who reads it. */
export function savedNotice(key: string, column: string, kind: ColumnKind): string {
  return `Saved "${column}" as ${kind} for ${key} in medsynth.columns (workspace folder settings). Fit and Run use these types.`;
}

/** What the preview says after clearing a table's entry. */
export function clearedNotice(key: string): string {
  return `Removed the saved types of ${key} from medsynth.columns: Fit and Run infer its types again (a "*" entry still applies).`;
}

/** What the preview says when the file is outside every workspace folder, so nothing can be saved. */
export function previewOnlyNotice(column: string, kind: ColumnKind): string {
  return `"${column}" is read as ${kind} in this preview only: the file is outside the workspace folders, so medsynth.columns cannot hold its types and Fit and Run will infer them.`;
}
