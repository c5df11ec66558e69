// EDF / EDF+ / BDF signal files: the entry points the storage layer and the CLI use.
export { isEdf, readEdf } from './edfReader';
export type { EdfHeader, EdfKind, EdfSignalHeader } from './edfHeader';
