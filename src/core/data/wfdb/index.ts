// WFDB (PhysioNet) records: header parser, signal formats 8/16/24/32/61/80/160/212/310/311,
// multi-segment records and MIT annotation files.
export { readWfdbRecord } from './record';
export type { WfdbReadOptions } from './record';
export { parseWfdbHeader, MAX_WFDB_SIGNALS, MAX_WFDB_SEGMENTS } from './header';
export type { WfdbHeader, WfdbSignalSpec, WfdbSegmentSpec } from './header';
export { parseMitAnnotations, annotationMnemonic } from './annotations';
