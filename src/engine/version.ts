// The MedSynth version recorded in reports and run records. Core code reads no files, so the engine
// passes it in; the bundler inlines this one field of package.json (esbuild's JSON loader keeps only
// the named import), and tsx reads it directly when tests run from source.
import { version } from '../../package.json';

export const MEDSYNTH_VERSION: string = version;
