// The lines `medsynth inspect <generator>` shows about a table generator's output: each column the
// sample decodes into, with its kind and how it comes out.
import type { GeneratorManifest, TableColumnSpec } from '../../generators/manifest';

/** How a column of a table generator comes out, in a few words. */
function columnNote(c: TableColumnSpec): string {
  switch (c.kind) {
    case 'identifier':
      return `regenerated as ${c.prefix}…, never copied`;
    case 'text':
      return 'not modelled (written empty)';
    case 'categorical':
    case 'boolean':
      return `${c.categories.length} categories`;
    case 'datetime':
      return `${c.precision === 'date' ? 'dates' : 'date-times'}, written as ${c.format ?? 'ISO 8601'}`;
    case 'numeric':
      return c.integer ? 'whole numbers' : c.round !== undefined ? `${c.round} decimal(s)` : 'real numbers';
  }
}

function tableColumns(manifest: GeneratorManifest): readonly TableColumnSpec[] | undefined {
  const post = manifest.postprocess as { readonly columns?: unknown } | undefined;
  return manifest.modality === 'table' && Array.isArray(post?.columns) ? (post.columns as readonly TableColumnSpec[]) : undefined;
}

/** The "columns (n):" block, one line per column; empty when the manifest lists none. */
export function tableGeneratorLines(manifest: GeneratorManifest): string[] {
  const columns = tableColumns(manifest);
  if (!columns) return [];
  const width = Math.min(28, Math.max(6, ...columns.map((c) => c.name.length)));
  return [`columns (${columns.length}):`, ...columns.map((c) => `  ${c.name.padEnd(width)} ${c.kind.padEnd(12)} ${columnNote(c)}`)];
}
