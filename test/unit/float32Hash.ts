// Test helper: the SHA-256 of values as little-endian float32, the form the reference scripts hash
// (numpy `arr.astype('<f4').tobytes()`). On a little-endian host these are the array's own bytes.
import { createHash } from 'node:crypto';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function sha256Float32(data: Float32Array): string {
  if (HOST_LITTLE_ENDIAN)
    return createHash('sha256')
      .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      .digest('hex');
  const le = new Uint8Array(data.length * 4);
  const view = new DataView(le.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return createHash('sha256').update(le).digest('hex');
}
