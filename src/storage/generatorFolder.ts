// Generator folders on disk: loading (a folder with medsynth.json, or a single .onnx whose
// metadata_props carry the manifest) with every path kept inside the folder, and writing a fitted
// generator so that a crash or cancel never leaves a half-written one behind.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MedSynthError, isMedSynthError, throwIfAborted } from '../core/errors';
import type { GeneratorManifest } from '../core/generators/manifest';
import { MAX_MANIFEST_BYTES, checkModelSignature, validateManifest } from '../core/generators/manifestValidation';
import type { ModelSignature } from '../core/generators/manifestValidation';
import { readOnnxModelInfo } from '../core/generators/onnx/modelInfo';
import { MANIFEST_METADATA_KEY } from '../core/generators/onnx/generatorModel';
import { resolveInside } from './paths';

export const MANIFEST_FILE = 'medsynth.json';
/** Above this size the signature is left to the inference process instead of parsing the file here. */
const MAX_SIGNATURE_READ_BYTES = 1024 * 1024 * 1024;

export interface LoadedGenerator {
  readonly folder: string;
  readonly manifest: GeneratorManifest;
  readonly modelPath: string;
  readonly modelSha256: string;
  readonly manifestSha256: string;
  /** The model's inputs and outputs as read from the file, when it was small enough to parse here. */
  readonly signature?: ModelSignature;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * The real path of `rel` under `root`. Containment ('..', absolute paths, symlinks out) is decided by
 * storage/paths.ts, the one implementation; realpath then makes the identity of the file stable
 * (a model opened by its own path compares equal) and reports a missing file as ENOENT.
 */
async function realInside(root: string, rel: string): Promise<string> {
  return realpath(resolveInside(root, rel));
}

/** medsynth.json text to a checked manifest: LIMIT_EXCEEDED when too large, MANIFEST_INVALID for bad JSON or fields. */
export function parseManifestJson(text: string, source: string): GeneratorManifest {
  if (text.length > MAX_MANIFEST_BYTES)
    throw new MedSynthError('LIMIT_EXCEEDED', 'the manifest is too large', {
      file: source,
      expected: `at most ${MAX_MANIFEST_BYTES} bytes`,
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MedSynthError('MANIFEST_INVALID', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { file: source });
  }
  return validateManifest(json, source);
}

async function signatureOf(modelPath: string, manifest: GeneratorManifest): Promise<ModelSignature | undefined> {
  const size = (await stat(modelPath)).size;
  if (size > MAX_SIGNATURE_READ_BYTES) return undefined;
  const info = readOnnxModelInfo(await readFile(modelPath), modelPath);
  const signature = { inputs: info.inputs, outputs: info.outputs };
  checkModelSignature(manifest, signature);
  return signature;
}

async function loadFolder(folder: string): Promise<LoadedGenerator> {
  const manifestPath = await realInside(folder, MANIFEST_FILE).catch((e: unknown) => {
    if (errnoCode(e) === 'ENOENT')
      throw new MedSynthError('MANIFEST_INVALID', `no ${MANIFEST_FILE} in the generator folder`, { file: folder });
    throw e;
  });
  if ((await stat(manifestPath)).size > MAX_MANIFEST_BYTES)
    throw new MedSynthError('LIMIT_EXCEEDED', 'medsynth.json is too large', {
      file: manifestPath,
      expected: `at most ${MAX_MANIFEST_BYTES} bytes`,
    });
  const bytes = await readFile(manifestPath);
  const manifest = parseManifestJson(bytes.toString('utf8'), manifestPath);
  const modelPath = await realInside(folder, manifest.model).catch((e: unknown) => {
    if (errnoCode(e) === 'ENOENT')
      throw new MedSynthError('MANIFEST_INVALID', `$.model: "${manifest.model}" does not exist`, { file: manifestPath });
    throw e;
  });
  const signature = await signatureOf(modelPath, manifest);
  return {
    folder,
    manifest,
    modelPath,
    modelSha256: await sha256OfFile(modelPath),
    manifestSha256: sha256(bytes),
    ...(signature ? { signature } : {}),
  };
}

async function loadSingleOnnx(file: string): Promise<LoadedGenerator> {
  const bytes = await readFile(file);
  const info = readOnnxModelInfo(bytes, file);
  const text = info.metadata[MANIFEST_METADATA_KEY];
  if (text === undefined) {
    // A bare model next to its medsynth.json is a folder generator opened by its model file.
    const folder = dirname(file);
    const sibling = await loadFolder(folder).catch(() => undefined);
    if (sibling && sibling.modelPath === file) return sibling;
    throw new MedSynthError(
      'MANIFEST_INVALID',
      `the model has no "${MANIFEST_METADATA_KEY}" in its metadata_props and no ${MANIFEST_FILE} beside it names it`,
      { file },
    );
  }
  const manifest = parseManifestJson(text, `${file} (metadata_props)`);
  const signature = { inputs: info.inputs, outputs: info.outputs };
  checkModelSignature(manifest, signature);
  return {
    folder: dirname(file),
    manifest,
    modelPath: file,
    modelSha256: sha256(bytes),
    manifestSha256: sha256(new TextEncoder().encode(text)),
    signature,
  };
}

/** Loads and checks a generator from a folder or a single .onnx file; every failure is a MedSynthError. */
export async function loadGenerator(path: string): Promise<LoadedGenerator> {
  try {
    const real = await realpath(resolve(path));
    const info = await stat(real);
    if (info.isDirectory()) return await loadFolder(real);
    if (info.isFile() && real.toLowerCase().endsWith('.onnx')) return await loadSingleOnnx(real);
    throw new MedSynthError('BAD_USAGE', 'not a generator: expected a folder with medsynth.json or an .onnx file', { file: path });
  } catch (e) {
    if (isMedSynthError(e)) throw e;
    if (errnoCode(e) === 'ENOENT') throw new MedSynthError('BAD_USAGE', 'no such generator folder or file', { file: path });
    throw new MedSynthError('IO', `cannot read the generator: ${e instanceof Error ? e.message : String(e)}`, { file: path }, { cause: e });
  }
}

/**
 * Writes model and manifest into a temporary folder beside `outDir`, then renames it into place. When
 * `outDir` already exists (a run folder), the two files are renamed into it, model first, so a
 * manifest never names a model that is not there yet. On error or abort the temporary folder is removed.
 */
export async function writeGenerator(outDir: string, onnx: Uint8Array, manifest: GeneratorManifest, signal?: AbortSignal): Promise<void> {
  const checked = validateManifest(JSON.parse(JSON.stringify(manifest)), 'manifest');
  const target = resolve(outDir);
  const parent = dirname(target);
  const temp = join(parent, `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const files: readonly [string, Uint8Array][] = [
    [checked.model, onnx],
    [MANIFEST_FILE, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)],
  ];
  try {
    throwIfAborted(signal);
    await mkdir(temp, { recursive: true });
    for (const [name, bytes] of files) {
      await mkdir(dirname(join(temp, name)), { recursive: true });
      await writeFile(join(temp, name), bytes, { signal });
      throwIfAborted(signal);
    }
    const existing = await stat(target).catch(() => undefined);
    if (!existing) {
      await rename(temp, target);
      return;
    }
    if (!existing.isDirectory()) throw new MedSynthError('IO', 'the output path exists and is not a folder', { file: target });
    for (const [name] of files) {
      await mkdir(dirname(join(target, name)), { recursive: true });
      await rename(join(temp, name), join(target, name));
    }
    await rm(temp, { recursive: true, force: true });
  } catch (e) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    if (isMedSynthError(e)) throw e;
    if (signal?.aborted || (e instanceof Error && e.name === 'AbortError')) throw new MedSynthError('CANCELLED', 'cancelled');
    throw new MedSynthError(
      'IO',
      `cannot write the generator: ${e instanceof Error ? e.message : String(e)}`,
      { file: target },
      { cause: e },
    );
  }
}
