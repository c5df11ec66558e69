// What the image viewer's metadata table shows of a volume, and what it masks until the user clicks
// Reveal. MedSynth's image readers keep no patient or study identifiers (ImageVolume.metadata holds the
// format's technical facts: transfer syntax, bit depth, rescale, NIfTI datatype and transforms...), so
// in practice only free text (NIfTI `descrip`), reader notes that name files by their folders (a series'
// sliceGap note: DICOMDIR folders are often patient ids) and any field whose name says it identifies
// someone (names, ids, dates, institution, accession, instance UIDs) are masked; a standard DICOM UID
// (1.2.840.10008.*: a transfer syntax or SOP class) names a format, not a person, and is shown.
// No `vscode` import: the webview tests build the host's init message with it.
import type { ImageVolumeInfo } from '../engine/datasetInspection';
import type { MetadataRow, ViewerVolume } from '../protocol/imageViewer';
import { MAX_METADATA_ROWS, MAX_WINDOWS } from '../protocol/imageViewer';
import { MAX_MESSAGE_STRING } from '../protocol/messageChecks';

/** Name parts of a field that may identify a person, a visit or a place. */
const IDENTIFYING_PARTS = [
  'patient',
  'name',
  'birth',
  'address',
  'phone',
  'institution',
  'physician',
  'operator',
  'referring',
  'accession',
  'date',
  'uid',
  'description',
  'comment',
];

/** The DICOM standard's own UID root: transfer syntaxes, SOP classes and other registry UIDs. */
const STANDARD_UID_ROOT = '1.2.840.10008.';

/** Why a metadata field is masked, or undefined when it is shown as it is. */
export function maskReason(key: string, value: string | number): string | undefined {
  const lower = key.toLowerCase();
  if (lower.endsWith('uid') && typeof value === 'string' && value.startsWith(STANDARD_UID_ROOT)) return undefined;
  if (lower === 'description' || lower.endsWith('description') || lower.includes('comment'))
    return 'free text: may hold a name or anything else';
  if (IDENTIFYING_PARTS.some((p) => lower.includes(p)) || /(^id|Id|ID|_id)$/.test(key)) return 'may identify a person, a visit or a place';
  // A reader's note naming files by folder (a DICOMDIR's PATIENT/STUDY/... path; folders are often patient ids).
  if (typeof value === 'string' && /[\w.-]+[\\/][\w.-]+[\\/][\w.-]+/.test(value))
    return 'names files by their folders, which are often patient ids';
  return undefined;
}

/** The last part of a path (readers name a volume by the path they were given). */
function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

function text(v: string | number): string {
  const s = typeof v === 'number' ? String(v) : v;
  return s.length > MAX_MESSAGE_STRING ? `${s.slice(0, MAX_MESSAGE_STRING - 1)}…` : s;
}

function geometryRows(info: ImageVolumeInfo): MetadataRow[] {
  const rows: MetadataRow[] = [
    { key: 'frames × rows × columns', value: `${info.frames} × ${info.rows} × ${info.columns}${info.channels === 3 ? ' × 3 (RGB)' : ''}` },
  ];
  // DICOM's own Photometric Interpretation row says it already.
  if (info.metadata.photometricInterpretation === undefined) rows.push({ key: 'photometric', value: info.photometric });
  const s = info.spacing;
  if (s) {
    rows.push({ key: 'pixel spacing (row, column)', value: `${s.row} × ${s.column} mm` });
    if (s.slice !== undefined) rows.push({ key: 'slice spacing', value: `${s.slice} mm` });
  } else {
    rows.push({ key: 'pixel spacing', value: 'unknown', note: 'shown with square pixels' });
  }
  rows.push({ key: 'units', value: info.units ?? 'not given', ...(info.units ? {} : { note: 'values as stored after rescale' }) });
  if (info.valueRange) rows.push({ key: 'value range', value: `${info.valueRange.min} .. ${info.valueRange.max}` });
  if (info.channels === 1)
    for (const w of info.windows)
      rows.push({ key: `window${w.name ? ` (${w.name})` : ''}`, value: `center ${w.center}, width ${w.width}` });
  const files = info.sourceFiles.map(baseName);
  rows.push({
    key: 'source files',
    value: text(files.length === 1 ? files[0] : `${files.length}: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}`),
  });
  return rows;
}

/** The volume as the viewer's init message carries it, with identifying fields masked. */
export function viewerVolume(info: ImageVolumeInfo): ViewerVolume {
  const metadata = [...geometryRows(info)];
  for (const [key, raw] of Object.entries(info.metadata)) {
    const masked = maskReason(key, raw);
    if (masked) metadata.push({ key, masked });
    else
      metadata.push({
        key,
        value: text(raw),
        ...(key.toLowerCase().endsWith('uid') ? { note: 'standard DICOM UID: names a format, not a person' } : {}),
      });
  }
  const dicomModality = info.metadata.modality;
  return {
    label: text(baseName(info.id)),
    frames: info.frames,
    rows: info.rows,
    columns: info.columns,
    channels: info.channels,
    photometric: info.photometric,
    ...(info.spacing ? { spacing: info.spacing } : {}),
    ...(info.units ? { units: text(info.units) } : {}),
    ...(typeof dicomModality === 'string' ? { modality: text(dicomModality) } : {}),
    ...(info.valueRange ? { valueRange: info.valueRange } : {}),
    ...(info.defaultWindow ? { defaultWindow: info.defaultWindow } : {}),
    windows: info.windows.filter((w) => Number.isFinite(w.center) && Number.isFinite(w.width) && w.width > 0).slice(0, MAX_WINDOWS),
    metadata: metadata.slice(0, MAX_METADATA_ROWS),
  };
}

/** The masked fields' values, for `metadataRevealed`. */
export function revealedRows(info: ImageVolumeInfo): MetadataRow[] {
  return Object.entries(info.metadata)
    .filter(([key, raw]) => maskReason(key, raw) !== undefined)
    .map(([key, raw]) => ({ key, value: text(raw) }));
}

/** The sentence under the metadata table: what the readers keep, and what is masked. */
export function privacyNote(volumes: readonly ViewerVolume[]): string {
  const masked = volumes.some((v) => v.metadata.some((r) => r.masked !== undefined));
  const kept =
    "MedSynth's image readers keep no patient names, ids, birth or study dates, institution, accession numbers or instance UIDs: " +
    'this table is everything they keep (geometry, spacing, windows, pixel encoding, rescale and the format’s technical fields).';
  return masked ? `${kept} Free text, file paths and fields that may identify someone are masked until you click Reveal.` : kept;
}
