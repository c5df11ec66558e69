// Test helper: runs test/reference/image_writers_reference.py (Debian's /usr/bin/python3 with numpy,
// PIL, nibabel, pydicom) on files a writer made and returns what those libraries read; and runs
// dcmtk's dcmdump/dcmftest. `missing` says why a reference cannot run here (the subtest then skips).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageVolume } from '../../../../src/core/data/imageSet';
import { testVolume } from '../testVolume';

export const ROOT = join(__dirname, '..', '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(ROOT, 'test', 'reference', 'image_writers_reference.py');

const MODULES: Readonly<Record<string, string>> = {
  identifiers: 'pydicom',
  png: 'numpy, PIL',
  nifti: 'numpy, nibabel',
  npy: 'numpy',
  dicom: 'numpy, pydicom',
  window: 'numpy, pydicom',
};
const checked = new Map<string, string | undefined>();

/** Why the reference for `mode` cannot run here, or undefined when it can. */
export function missing(mode: keyof typeof MODULES): string | undefined {
  if (!checked.has(mode)) {
    if (!existsSync(PYTHON)) checked.set(mode, `${PYTHON} is not installed`);
    else {
      const r = spawnSync(PYTHON, ['-c', `import ${MODULES[mode]}`], { encoding: 'utf8' });
      checked.set(mode, r.status === 0 ? undefined : `${PYTHON} lacks ${MODULES[mode]}: ${r.stderr.trim().split('\n').pop()}`);
    }
  }
  return checked.get(mode);
}

export interface F32 {
  readonly shape: number[];
  readonly f32: string;
}

export function floats(a: F32): Float32Array {
  const b = Buffer.from(a.f32, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function reference(mode: keyof typeof MODULES, files: readonly string[]): any[] {
  const r = spawnSync(PYTHON, [SCRIPT, mode, ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`image_writers_reference.py ${mode} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { files: unknown[] }).files;
}

export function dcmtk(tool: 'dcmdump' | 'dcmftest'): string | undefined {
  const path = `/usr/bin/${tool}`;
  return existsSync(path) ? path : undefined;
}

export function runTool(path: string, args: readonly string[]): { code: number | null; out: string } {
  const r = spawnSync(path, args, { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'medsynth-writers-'));
}

/** A deterministic pseudo-random sequence in [0, 1) (a 32-bit LCG), for test inputs. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A writer test's volume: value i is `fill(i, next)`, `next` an LCG seeded with `seed`; windowed at
 * 40 / 400 (a CT soft-tissue window) unless `extra` says otherwise.
 */
export function seededVolume(
  id: string,
  shape: readonly [frames: number, rows: number, columns: number, channels: 1 | 3],
  seed: number,
  fill: (i: number, next: () => number) => number,
  extra: Partial<ImageVolume> = {},
): ImageVolume {
  const [frames, rows, columns, channels] = shape;
  const next = lcg(seed);
  const data = new Float32Array(frames * rows * columns * channels).map((_, i) => fill(i, next));
  return testVolume(id, frames, rows, columns, channels, data, { windows: [{ center: 40, width: 400 }], ...extra });
}
