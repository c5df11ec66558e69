// Shared by the DICOM tests: fixture bytes and the sha256 of float32 values as the reference script hashes them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DICOM_FIXTURES = join(__dirname, '..', '..', 'fixtures', 'dicom');

export function fixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DICOM_FIXTURES, rel)));
}

/** sha256 of the values as little-endian float32, as numpy's astype('<f4').tobytes() hashes them. */
export function sha256Float32(data: Float32Array): string {
  const le = new Uint8Array(data.length * 4);
  const view = new DataView(le.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return createHash('sha256').update(le).digest('hex');
}
