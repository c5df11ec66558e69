// Embedder folders on disk (medsynth.embedder/1): the manifest read and checked, the model path kept
// inside the folder, its declared signature checked against the ONNX file, and the model's SHA-256,
// which every report names (feature numbers only compare under one embedder). The built-in embedder
// ships in the extension and the package at assets/embedder/.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkEmbedderSignature, parseEmbedderManifest } from '../core/embedder/embedderManifest';
import type { EmbedderManifest } from '../core/embedder/embedderManifest';
import { readOnnxModelInfo } from '../core/generators/onnx/modelInfo';
import { MedSynthError } from '../core/errors';
import { ioError } from './atomic';
import { resolveInside } from './paths';

export interface LoadedEmbedder {
  readonly folder: string;
  readonly manifest: EmbedderManifest;
  readonly modelPath: string;
  readonly sha256: string;
  /** Feature vector length, when the model or the manifest fixes it. */
  readonly dims?: number;
}

/**
 * The built-in embedder's folder: assets/embedder beside the bundle (dist/*.js) or the source tree
 * (src/storage/*.ts), found by walking up from this file to the package root.
 */
export function builtInEmbedderFolder(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'assets', 'embedder');
    if (existsSync(join(candidate, 'medsynth.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new MedSynthError('BAD_USAGE', 'the built-in embedder (assets/embedder) is missing from this installation', {
    file: from,
    expected: 'assets/embedder/medsynth.json beside the MedSynth package',
  });
}

/** Reads and checks the embedder in `folder` (the built-in one when undefined). */
export async function loadEmbedder(folder?: string): Promise<LoadedEmbedder> {
  const root = resolve(folder ?? builtInEmbedderFolder());
  const manifestPath = join(root, 'medsynth.json');
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (e) {
    throw ioError('cannot read the embedder manifest', manifestPath, e);
  }
  const manifest = parseEmbedderManifest(text, manifestPath);
  const modelPath = resolveInside(root, manifest.model);
  let bytes: Buffer;
  try {
    bytes = await readFile(modelPath);
  } catch (e) {
    throw ioError('cannot read the embedder model', modelPath, e);
  }
  const info = readOnnxModelInfo(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), modelPath);
  const { dims } = checkEmbedderSignature(manifest, info, modelPath);
  return {
    folder: root,
    manifest,
    modelPath,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...(dims !== undefined ? { dims } : manifest.output.dims !== undefined ? { dims: manifest.output.dims } : {}),
  };
}
