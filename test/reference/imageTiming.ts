// Times MedSynth's eigh and FID on files written by image_timing.py (which times numpy/scipy on the
// same data in the same run). Prints one JSON line. A measurement, never a test assertion.
//   node --import tsx test/reference/imageTiming.ts eigh <matrix.f64> <n>
//   node --import tsx test/reference/imageTiming.ts fid <real.f32> <synth.f32> <rows> <dims>
import { readFileSync } from 'node:fs';
import { eigh } from '../../src/core/math/symmetricEigen';
import { frechetDistance } from '../../src/core/metrics/image/fid';

async function main(): Promise<void> {
  const [what, ...args] = process.argv.slice(2);
  if (what === 'eigh') {
    const n = Number(args[1]);
    const b = readFileSync(args[0]);
    const m = new Float64Array(b.buffer, b.byteOffset, n * n);
    const t0 = performance.now();
    const { values } = eigh(m, n);
    console.log(JSON.stringify({ ms: performance.now() - t0, top: values[n - 1], bottom: values[0] }));
    return;
  }
  const rows = Number(args[2]);
  const dims = Number(args[3]);
  const f = (p: string): Float32Array => {
    const b = readFileSync(p);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + rows * dims * 4));
  };
  const real = { data: f(args[0]), rows, dims };
  const synth = { data: f(args[1]), rows, dims };
  const t0 = performance.now();
  const { fid } = await frechetDistance(real, synth);
  console.log(JSON.stringify({ ms: performance.now() - t0, fid }));
}

void main();
