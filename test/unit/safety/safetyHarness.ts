// Test helpers for the crash, cancellation and data-safety tests: a large deterministic table made in
// the test, hashes of source files, a recursive listing that shows leftover temp or partial files, and
// waiting for a process to be gone.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const INFERENCE_SCRIPT = join(ROOT, 'src', 'inference', 'main.ts');

/** A clinical-looking CSV of `rows` rows (8 columns of every kind), from a fixed LCG so runs repeat. */
export function writeBigTable(path: string, rows: number): void {
  let state = 12345;
  const rnd = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const diagnoses = ['COPD', 'asthma', 'heart failure', 'diabetes', 'stroke'];
  const lines = ['patient_id,admission_date,age,sex,diagnosis,systolic_bp,bmi,smoker'];
  for (let i = 0; i < rows; i++) {
    const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(rnd() * 1500) * 86_400_000).toISOString().slice(0, 10);
    const bmi = rnd() < 0.05 ? '' : (15 + rnd() * 25).toFixed(1);
    lines.push(
      `P${i},${day},${18 + Math.floor(rnd() * 80)},${rnd() < 0.5 ? 'M' : 'F'},${diagnoses[Math.floor(rnd() * 5)]},${100 + Math.floor(rnd() * 80)},${bmi},${rnd() < 0.3}`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file and folder under `dir`, relative, sorted (hidden ones included). */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      out.push(relative(dir, full));
      if (statSync(full).isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out.sort();
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds until `pid` is gone, polling every 10 ms; rejects after `limitMs`. */
export async function msUntilGone(pid: number, limitMs: number): Promise<number> {
  const start = performance.now();
  while (isAlive(pid)) {
    if (performance.now() - start > limitMs) throw new Error(`process ${pid} still alive after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - start;
}
