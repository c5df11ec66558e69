// The table preview model: what buildTablePreview returns and the host sends in the `init` message.
// Plain serialisable data (no typed arrays), small whatever the table size: histograms, not values.
import type { ColumnKind } from '../data/table/table';

/** The most rows one page may hold; the protocol refuses larger requests too. */
export const MAX_PREVIEW_PAGE = 2000;

export type ColumnHistogram =
  | { readonly type: 'bins'; readonly edges: readonly number[]; readonly counts: readonly number[]; readonly labels: readonly string[] }
  | { readonly type: 'categories'; readonly labels: readonly string[]; readonly counts: readonly number[]; readonly otherCount: number }
  | { readonly type: 'none' };

export interface ColumnStats {
  readonly min?: string;
  readonly max?: string;
  readonly mean?: number;
}

export interface ColumnPreview {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly missing: number;
  readonly distinct: number;
  readonly stats: ColumnStats;
  readonly histogram: ColumnHistogram;
}

export interface TablePreviewModel {
  readonly title: string;
  readonly file?: string;
  readonly format?: string;
  /** What the reader assumed or repaired (encoding, comment lines, padded rows, decimal commas); empty when nothing. */
  readonly notes: readonly string[];
  readonly rowCount: number;
  readonly columns: readonly ColumnPreview[];
  /** Rows per page the webview should request; the host may clamp it. */
  readonly pageSize: number;
  /** The first page, so that the table shows data without a round trip. */
  readonly firstRows: readonly (readonly string[])[];
}
