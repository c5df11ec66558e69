// Deterministic DICOM UIDs for written files: '2.25.' + the decimal of the first 128 bits of
// SHA-256(seed NUL role [NUL index]) (PS3.5 B.2: a UUID-derived UID under the 2.25 root, at most
// 44 characters). Study and Series UIDs depend on the run's seed only; a SOP Instance UID on the seed
// and the sample's global index, so shards of a run name their files exactly as the single run does.
// Nothing of a source file (its UIDs, names, dates) enters the hash unless the caller puts it in the seed.
import { createHash } from 'node:crypto';

export type UidRole = 'study' | 'series' | 'instance' | 'implementation';

/** The 2.25 UID of (seed, role[, index]). */
export function deterministicUid(seed: string, role: UidRole, index?: number): string {
  const text = index === undefined ? `${seed}\u0000${role}` : `${seed}\u0000${role}\u0000${index}`;
  const digest = createHash('sha256').update(text, 'utf8').digest();
  let value = 0n;
  for (let i = 0; i < 16; i++) value = (value << 8n) | BigInt(digest[i]);
  return `2.25.${value.toString(10)}`;
}

/** MedSynth's Implementation Class UID (File Meta 0002,0012): the same in every file it writes. */
export const IMPLEMENTATION_CLASS_UID = deterministicUid('MedSynth', 'implementation');
/** Implementation Version Name (0002,0013), SH. */
export const IMPLEMENTATION_VERSION_NAME = 'MEDSYNTH_0_1';
