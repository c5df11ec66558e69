// The shape of one fuzz target living in test/fuzz/targets/<name>.ts (the image, signal and text
// parsers). test/fuzz/targets.ts lists these beside the table targets it defines inline.
import type { FuzzRandom } from './random';
import type { Built } from './structured';

export interface FuzzTargetSpec {
  /** Short lower-case name, used on the command line and as the folder test/fixtures/fuzz/<name>/. */
  readonly name: string;
  /** Extension of kept failing inputs (without the dot), e.g. 'dcm'. */
  readonly extension: string;
  /** The real fixtures the byte mutations start from (at least one). */
  loadCorpus(): Promise<Uint8Array[]>;
  /** One structure-aware hostile case built from a real fixture `base`. */
  buildStructured(rng: FuzzRandom, base: Uint8Array): Built;
  /**
   * Parses one input. Resolves 'ok' after checking the result is valid (shapes match data lengths,
   * no NaN where none may be...), or 'skipped'; throws a MedSynthError for rejected input (expected)
   * or anything else for a bug. `scratch` is a private temporary folder for targets that need files.
   */
  execute(bytes: Uint8Array, scratch: string): Promise<'ok' | 'skipped'>;
}
