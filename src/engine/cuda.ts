// "Enable CUDA acceleration": onnxruntime-node ships without its CUDA provider libraries (they are too
// large for npm) and we install it with ONNXRUNTIME_NODE_INSTALL=skip, so on request we run its own
// installer, script/install.js, with the cuda12 flag. It downloads from NuGet, which needs a network.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MedSynthError } from '../core/errors';

export interface CudaInstallOptions {
  readonly signal?: AbortSignal;
  readonly onLog?: (line: string) => void;
  /** The onnxruntime-node package folder; found with require.resolve by default. */
  readonly ortRoot?: string;
  /** Run the installer even when no NVIDIA driver is visible (e.g. a container without /proc access). */
  readonly skipDriverCheck?: boolean;
  readonly timeoutMs?: number;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
}

export interface CudaInstallResult {
  readonly ok: boolean;
  readonly message: string;
  readonly providerLibrary?: string;
}

export function findOrtRoot(): string {
  return dirname(require.resolve('onnxruntime-node/package.json'));
}

/** The provider library the installer places; its presence means CUDA can be tried at session creation. */
export function cudaProviderLibrary(ortRoot: string): string {
  return join(ortRoot, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
}

export function nvidiaDriverVisible(): boolean {
  if (existsSync('/proc/driver/nvidia/version')) return true;
  const path = process.env.PATH ?? '';
  return path.split(':').some((dir) => dir !== '' && existsSync(join(dir, 'nvidia-smi')));
}

export async function enableCudaAcceleration(opts: CudaInstallOptions = {}): Promise<CudaInstallResult> {
  const platform = opts.platform ?? process.platform;
  const arch = opts.arch ?? process.arch;
  if (platform !== 'linux' || arch !== 'x64') {
    const alt =
      platform === 'win32'
        ? ' On Windows the DirectML provider (dml) is built in.'
        : platform === 'darwin'
          ? ' On macOS the CoreML provider (coreml) is built in.'
          : '';
    return { ok: false, message: `onnxruntime-node provides CUDA 12 binaries for linux-x64 only, not ${platform}-${arch}.${alt}` };
  }
  const ortRoot = opts.ortRoot ?? findOrtRoot();
  const library = cudaProviderLibrary(ortRoot);
  if (existsSync(library)) return { ok: true, message: `the CUDA provider is already installed (${library})`, providerLibrary: library };
  if (!opts.skipDriverCheck && !nvidiaDriverVisible()) {
    return {
      ok: false,
      message:
        'no NVIDIA driver found (no /proc/driver/nvidia and no nvidia-smi on PATH): CUDA acceleration needs an NVIDIA GPU with the CUDA 12 runtime and cuDNN 9; MedSynth keeps running on cpu.',
    };
  }
  const script = join(ortRoot, 'script', 'install.js');
  if (!existsSync(script)) return { ok: false, message: `onnxruntime-node's installer is missing (${script}); reinstall onnxruntime-node` };

  const output: string[] = [];
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' };
    // npm's config spelling would override ours with 'skip' when this runs under `npm run`.
    delete env.npm_config_onnxruntime_node_install;
    delete env.ONNXRUNTIME_NODE_INSTALL_CUDA;
    const child = spawn(process.execPath, [script, '--onnxruntime-node-install=cuda12'], {
      cwd: ortRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: opts.signal,
      timeout: opts.timeoutMs ?? 600_000,
    });
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        output.push(line);
        opts.onLog?.(line);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) =>
      opts.signal?.aborted
        ? reject(new MedSynthError('CANCELLED', 'cancelled'))
        : reject(new MedSynthError('IO', `could not run the onnxruntime-node installer: ${err.message}`)),
    );
    child.on('close', (c) => resolvePromise(c));
  });
  if (code === 0 && existsSync(library))
    return { ok: true, message: `installed the CUDA 12 provider (${library}); the next run tries cuda first`, providerLibrary: library };
  return { ok: false, message: `the onnxruntime-node CUDA installer failed: ${installerFailure(output, code)}` };
}

/** The installer dies with a stack trace; its "Error:" line says why, and DNS errors mean no network. */
export function installerFailure(output: readonly string[], code: number | null): string {
  const text = output.join('\n');
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|fetch failed/i.test(text)) {
    const host = /hostname: '([^']+)'/.exec(text)?.[1] ?? 'api.nuget.org';
    return `it needs network access to ${host} to download the CUDA 12 provider files, and that host cannot be reached from this machine`;
  }
  const reason = output.find((l) => /^\s*\w*Error\b.*:/.test(l)) ?? output.at(-1);
  return reason?.trim() ?? `exit code ${code}`;
}
