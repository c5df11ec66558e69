// Shared by the DICOM tests: fixture bytes and the sha256 of float32 values as the reference script hashes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
export { sha256Float32 } from '../float32Hash';

export const DICOM_FIXTURES = join(__dirname, '..', '..', 'fixtures', 'dicom');

export function fixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DICOM_FIXTURES, rel)));
}
