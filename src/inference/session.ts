// Session creation with ordered execution-provider fallback. onnxruntime-node throws at session
// creation when a provider's shared library or device is missing, so each provider is tried alone, in
// order; the reason a provider was skipped goes to the log and the provider that loaded is reported.
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../core/errors';
import type { ExecutionProviderName, ModelIo } from '../protocol/inference';
import { cudaProviderLibrary, findOrtRoot, nvidiaDriverVisible } from '../engine/cuda';

export interface LoadedSession {
  readonly session: ort.InferenceSession;
  readonly executionProvider: ExecutionProviderName;
  readonly inputs: readonly ModelIo[];
  readonly outputs: readonly ModelIo[];
  readonly createMs: number;
}

export type LogSink = (level: 'info' | 'warn', message: string) => void;

export function describeIo(metadata: readonly ort.InferenceSession.ValueMetadata[]): ModelIo[] {
  return metadata.map((m) => (m.isTensor ? { name: m.name, dims: [...m.shape], type: m.type } : { name: m.name, dims: [] }));
}

/**
 * True when `ep` is simply not there on this machine, which is normal and no warning: CUDA without its
 * provider library (installed only on request) or without an NVIDIA driver. A provider that is there
 * and still fails (a CUDA or cuDNN mismatch) is a warning.
 */
export function providerAbsent(ep: ExecutionProviderName): boolean {
  if (ep !== 'cuda') return false;
  try {
    return !existsSync(cudaProviderLibrary(findOrtRoot())) || !nvidiaDriverVisible();
  } catch {
    return true;
  }
}

/** With an NVIDIA driver but no provider library, the provider is one install away (engine/cuda.ts). */
function cudaHint(): string {
  try {
    return nvidiaDriverVisible() && !existsSync(cudaProviderLibrary(findOrtRoot()))
      ? '; an NVIDIA driver is present: the VS Code command "MedSynth: Enable CUDA acceleration" installs the CUDA provider'
      : '';
  } catch {
    return '';
  }
}

/**
 * Creates a session on the first provider of `providers` that loads. Throws MODEL_INVALID when the
 * model cannot be loaded on cpu, or when no provider in the list loads it.
 */
export async function createSession(
  model: string | Uint8Array,
  providers: readonly ExecutionProviderName[],
  log: LogSink,
  label = typeof model === 'string' ? model : 'built-in model',
): Promise<LoadedSession> {
  const modelPath = label;
  const order: readonly ExecutionProviderName[] = providers.length > 0 ? providers : ['cpu'];
  const failures: string[] = [];
  for (const ep of order) {
    const start = performance.now();
    try {
      const options: ort.InferenceSession.SessionOptions = {
        executionProviders: [ep],
        graphOptimizationLevel: 'all',
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      };
      const session =
        typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
      const createMs = performance.now() - start;
      if (failures.length > 0) log('info', `inference: running on ${ep} after fallback (${failures.join('; ')})`);
      return {
        session,
        executionProvider: ep,
        inputs: describeIo(session.inputMetadata),
        outputs: describeIo(session.outputMetadata),
        createMs,
      };
    } catch (e) {
      const reason = firstLine(e);
      failures.push(`${ep}: ${reason}${ep === 'cuda' ? cudaHint() : ''}`);
      // cpu is always built in, so a model cpu cannot load is a bad model, not a missing provider.
      if (ep === 'cpu') throw new MedSynthError('MODEL_INVALID', `cannot load ONNX model: ${reason}`, { file: modelPath });
      // An absent provider is said once, as info, by the provider that loads; a broken one is a warning now.
      if (!providerAbsent(ep)) log('warn', `inference: execution provider '${ep}' unavailable, falling back (${reason})`);
    }
  }
  throw new MedSynthError('MODEL_INVALID', `no execution provider could load the model (${failures.join('; ')})`, { file: modelPath });
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'unknown error'
  );
}

/** Sessions are kept per model and provider list, so repeated requests (batches, shards) skip loading. */
export class SessionCache {
  private readonly entries = new Map<string, Promise<LoadedSession>>();

  get(modelPath: string, providers: readonly ExecutionProviderName[], log: LogSink): { loaded: Promise<LoadedSession>; cached: boolean } {
    const key = `${modelPath}\u0000${providers.join(',')}`;
    const hit = this.entries.get(key);
    if (hit) return { loaded: hit, cached: true };
    const loaded = createSession(modelPath, providers, log);
    this.entries.set(key, loaded);
    // A failed load must not be cached: the next request tries again (the file may have been fixed).
    loaded.catch(() => this.entries.delete(key));
    return { loaded, cached: false };
  }
}
