// Table formats by file name. The CLI's `convert` and the writers pick the output format with this,
// and the reader uses it before falling back to sniffing the content.

import type { TableFormat } from './table';

const EXTENSIONS: Readonly<Record<string, TableFormat>> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  parquet: 'parquet',
  pq: 'parquet',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};

/** The table format a file name's extension stands for (case-insensitive), or undefined. */
export function inferTableFormat(fileName: string): TableFormat | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return EXTENSIONS[base.slice(dot + 1).toLowerCase()];
}
