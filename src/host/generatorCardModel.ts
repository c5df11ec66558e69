// The generator card's content, read on the host without `vscode` and without onnxruntime: the model's
// signature from the ONNX file itself (core's protobuf reader, up to the same 1 GiB cap loadGenerator
// reads signatures to), the manifest from medsynth.json or the model's metadata_props (validated as
// untrusted input, every path kept inside the folder), and what inspect says about a generator
// (engine/generatorDescription.ts: roles, what a sample becomes, provenance). Unlike loadGenerator it
// does not stop at the first problem: a mismatch between model and manifest, a manifest that does not
// validate or a file that is not ONNX becomes a line of the card, with the typed error's message.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { MedSynthError, isMedSynthError } from '../core/errors';
import type { GeneratorManifest } from '../core/generators/manifest';
import { MAX_MANIFEST_BYTES, checkModelSignature, conditionWidth } from '../core/generators/manifestValidation';
import { MANIFEST_METADATA_KEY } from '../core/generators/onnx/generatorModel';
import { readOnnxModelInfo } from '../core/generators/onnx/modelInfo';
import type { OnnxModelInfo } from '../core/generators/onnx/modelInfo';
import { modalityById } from '../core/modalities/registry';
import { inputRole, outputRole, sampleOutputLines } from '../engine/generatorDescription';
import { MAX_MESSAGE_STRING } from '../protocol/messageChecks';
import type { CardCheck, CardField, CardSection, CardTensor, GeneratorCard } from '../protocol/generatorCard';
import { formatDims, MAX_CARD_ITEMS } from '../protocol/generatorCard';
import { parseManifestJson } from '../storage/generatorFolder';
import { resolveInside } from '../storage/paths';

const MANIFEST_FILE = 'medsynth.json';
/** Models above this size are not parsed here (loadGenerator's cap): the card then shows no signature. */
export const MAX_CARD_MODEL_BYTES = 1024 * 1024 * 1024;

export interface GeneratorCardRead {
  readonly card: GeneratorCard;
  /** What Generate… runs medsynth.generate on (the folder, or a single .onnx carrying its manifest); absent when it cannot run. */
  readonly generator?: string;
}

export interface GeneratorCardReadOptions {
  /** Models larger than this are hashed but not parsed; MAX_CARD_MODEL_BYTES by default. */
  readonly maxModelBytes?: number;
}

/** A typed error as the card shows it: the code, then the message (which names the file and what was expected). */
export function cardError(e: unknown): string {
  if (isMedSynthError(e)) return clip(`${e.code}: ${e.message}`, 4 * MAX_MESSAGE_STRING);
  return clip(e instanceof Error ? e.message : String(e), 4 * MAX_MESSAGE_STRING);
}

function clip(s: string, max = MAX_MESSAGE_STRING): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What was read of a model file: always its size and hash; its signature when it parses and fits the cap. */
interface ModelRead {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly info?: OnnxModelInfo;
  readonly error?: string;
  readonly note?: string;
}

function mebibytes(n: number): string {
  return `${(n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 2 : 0)} MiB`;
}

async function readModel(path: string, maxBytes: number): Promise<ModelRead> {
  const size = (await stat(path)).size;
  if (size > maxBytes) {
    return {
      path,
      bytes: size,
      sha256: await sha256OfFile(path),
      note: `the model is ${mebibytes(size)}, more than the ${mebibytes(maxBytes)} read here: its inputs and outputs are checked by the inference process when it runs`,
    };
  }
  const bytes = await readFile(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    const info = readOnnxModelInfo(bytes, path);
    return { path, bytes: size, sha256, info };
  } catch (e) {
    return { path, bytes: size, sha256, error: cardError(e) };
  }
}

interface ManifestRead {
  readonly manifest?: GeneratorManifest;
  readonly error?: string;
}

async function readManifestFile(path: string): Promise<ManifestRead> {
  try {
    const size = (await stat(path)).size;
    if (size > MAX_MANIFEST_BYTES)
      throw new MedSynthError('LIMIT_EXCEEDED', `${MANIFEST_FILE} is too large`, {
        file: path,
        expected: `at most ${MAX_MANIFEST_BYTES} bytes`,
      });
    return { manifest: parseManifestJson((await readFile(path)).toString('utf8'), path) };
  } catch (e) {
    return { error: cardError(e) };
  }
}

/** The model a folder's manifest names, as a real path inside the folder (PATH_ESCAPE, MANIFEST_INVALID when missing). */
async function manifestModelPath(folder: string, manifest: GeneratorManifest, manifestPath: string): Promise<string> {
  try {
    return await realpath(resolveInside(folder, manifest.model));
  } catch (e) {
    if (errnoCode(e) === 'ENOENT')
      throw new MedSynthError('MANIFEST_INVALID', `$.model: "${manifest.model}" does not exist`, { file: manifestPath });
    throw e;
  }
}

function tensorRows(
  list: readonly { readonly name: string; readonly dims: readonly (number | string)[]; readonly type?: string }[],
  role: (name: string) => string,
  declared: (name: string) => readonly number[] | undefined,
): CardTensor[] {
  return list.map((t) => {
    const r = role(t.name);
    const d = declared(t.name);
    const type = t.type;
    return {
      name: clip(t.name),
      dims: t.dims.map((x) => (typeof x === 'string' ? clip(x) : x)),
      ...(type ? { type } : {}),
      ...(r ? { role: r } : {}),
      ...(d ? { declared: d } : {}),
    };
  });
}

function modelRows(model: ModelRead | undefined, manifest: GeneratorManifest | undefined): Pick<GeneratorCard, 'inputs' | 'outputs'> {
  const info = model?.info;
  if (!info) return {};
  const timestep = manifest?.family === 'diffusion' ? manifest.diffusion?.timestepInput : undefined;
  const condition = manifest?.inputs.condition;
  const inputs = tensorRows(
    info.inputs,
    (name) => (manifest ? inputRole(manifest, name) || (name === timestep ? 'timestep' : '') : ''),
    (name) =>
      !manifest
        ? undefined
        : name === manifest.inputs.latent.name
          ? manifest.inputs.latent.shape
          : condition && name === condition.name
            ? (condition.shape ?? (condition.kind === 'onehot' ? [-1, conditionWidth(condition)] : undefined))
            : undefined,
  );
  const outputs = tensorRows(
    info.outputs,
    (name) => (manifest ? outputRole(manifest, name) : ''),
    () => undefined,
  );
  return { inputs, outputs };
}

function field(label: string, value: string | number | undefined, mono = false): CardField | undefined {
  if (value === undefined) return undefined;
  return { label, value: clip(String(value), 4 * MAX_MESSAGE_STRING), ...(mono ? { mono } : {}) };
}

function fields(...list: (CardField | undefined)[]): CardField[] {
  return list.filter((f): f is CardField => f !== undefined);
}

/** The manifest's parts, in the order the card shows them. */
function manifestSections(m: GeneratorManifest, errors: string[]): CardSection[] {
  const sections: CardSection[] = [];
  const latent = m.inputs.latent;
  sections.push({
    id: 'latent',
    title: m.family === 'diffusion' ? 'Noisy sample input' : 'Latent input',
    fields: fields(
      field('input', latent.name, true),
      field('shape', formatDims(latent.shape), true),
      field('distribution', latent.distribution),
    ),
  });
  const c = m.inputs.condition;
  if (c) {
    sections.push({
      id: 'condition',
      title: 'Condition',
      fields: fields(
        field('input', c.name, true),
        field('kind', c.kind),
        field('shape', c.shape ? formatDims(c.shape) : undefined, true),
        field('classes', c.classes ? c.classes.length : undefined),
      ),
      ...(c.classes ? { items: c.classes.slice(0, MAX_CARD_ITEMS).map((s) => clip(s)) } : {}),
    });
  }
  const d = m.family === 'diffusion' ? m.diffusion : undefined;
  if (d) {
    const beta = d.betaSchedule === 'cosine' ? 'cosine' : `${d.betaSchedule} (${d.betaStart ?? 1e-4} to ${d.betaEnd ?? 0.02})`;
    sections.push({
      id: 'diffusion',
      title: 'Diffusion sampler',
      fields: fields(
        field('scheduler', d.scheduler.toUpperCase()),
        field('steps', `${d.sampleSteps} of ${d.trainSteps} training steps`),
        field(
          'prediction',
          d.prediction === 'epsilon' ? 'epsilon (the noise)' : d.prediction === 'v' ? 'v (velocity)' : 'x0 (the clean sample)',
        ),
        field('guidance', d.guidanceScale !== undefined ? `classifier-free, scale ${d.guidanceScale}` : 'none'),
        field(
          'null condition',
          d.nullCondition === undefined ? undefined : typeof d.nullCondition === 'number' ? d.nullCondition : formatDims(d.nullCondition),
          true,
        ),
        field('beta schedule', beta),
        field('timestep spacing', d.timestepSpacing ?? 'leading'),
        field('eta', d.scheduler === 'ddim' ? (d.eta ?? 0) : undefined),
        field('clip sample', d.clipSample ? formatDims(d.clipSample) : undefined, true),
        field('timestep input', d.timestepInput, true),
        field(
          'decoder',
          d.decoder !== undefined
            ? `${d.decoder} (${d.decoderInput ?? '?'} -> ${d.decoderOutput ?? '?'}, latents / ${d.latentScale ?? 1})`
            : undefined,
          true,
        ),
      ),
    });
  }
  let lines: readonly string[] = [];
  try {
    lines = sampleOutputLines(m);
  } catch (e) {
    errors.push(cardError(e));
  }
  const sample = m.outputs.sample;
  sections.push({
    id: 'output',
    title: 'Output',
    fields: fields(
      field('output', sample.name, true),
      field('layout', sample.layout, true),
      field('range', sample.range ? formatDims(sample.range) : undefined, true),
    ),
    ...(lines.length > 0 ? { lines: lines.map((l) => clip(l)) } : {}),
  });
  const p = m.provenance ?? {};
  const none = 'not recorded';
  sections.push({
    id: 'provenance',
    title: 'Provenance',
    fields: fields(
      field('created by', p.createdBy ?? none),
      field('trained on', p.trainedOn ?? none),
      field('training data SHA-256', p.trainingDataSha256 ?? none, p.trainingDataSha256 !== undefined),
      field('licence', p.license ?? none),
      field('created at', p.createdAt ?? none),
    ),
  });
  return sections;
}

/** The model checked against the manifest, then the manifest's postprocess block by its modality's sample codec. */
function manifestChecks(m: GeneratorManifest, model: ModelRead, source: string): CardCheck[] {
  const checks: CardCheck[] = [];
  if (model.info) {
    try {
      checkModelSignature(m, { inputs: model.info.inputs, outputs: model.info.outputs });
      checks.push({ ok: true, message: "the model's inputs and outputs match the manifest" });
    } catch (e) {
      checks.push({ ok: false, message: cardError(e) });
    }
  }
  const codec = modalityById(m.modality)?.sample;
  if (!codec) {
    checks.push({ ok: false, message: `UNSUPPORTED: ${m.modality}: MedSynth cannot write samples of this modality yet` });
  } else {
    try {
      codec.check(m, source);
      checks.push({ ok: true, message: `the postprocess block is a valid ${m.modality} output description` });
    } catch (e) {
      checks.push({ ok: false, message: cardError(e) });
    }
  }
  return checks;
}

function modelSummary(model: ModelRead, folder: string): GeneratorCard['model'] {
  const info = model.info;
  const opsets = info?.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  return {
    file: clip(relative(folder, model.path) || basename(model.path)),
    bytes: model.bytes,
    sha256: model.sha256,
    ...(info ? { irVersion: info.irVersion } : {}),
    ...(opsets ? { opsets: clip(opsets) } : {}),
  };
}

/** A card for a valid manifest and the model it names. */
function generatorCard(title: string, folder: string, m: GeneratorManifest, source: string, model: ModelRead): GeneratorCard {
  const errors: string[] = model.error ? [model.error] : [];
  const sections = manifestSections(m, errors);
  const checks = manifestChecks(m, model, source);
  return {
    title,
    name: clip(m.name),
    modality: m.modality,
    family: m.family,
    manifestSource: clip(source),
    model: modelSummary(model, folder),
    ...modelRows(model, m),
    checks,
    sections,
    errors,
    notes: model.note ? [model.note] : [],
    canGenerate: !model.error && checks.every((c) => c.ok) && errors.length === 0,
  };
}

/** What a model without a manifest needs before MedSynth can run it, naming its own inputs and outputs. */
function missingManifest(model: ModelRead): string[] {
  const names = (list: readonly { readonly name: string }[] | undefined): string =>
    list && list.length > 0 ? list.map((t) => `"${t.name}"`).join(', ') : 'none read';
  return [
    `a manifest: a ${MANIFEST_FILE} beside the model whose "model" names ${basename(model.path)}, or the same JSON in the model's metadata_props under "${MANIFEST_METADATA_KEY}"`,
    'in it: "schema": "medsynth.generator/1", a name, the modality (table, image, ...) and the family (single-pass or diffusion)',
    `the latent input among the model's inputs (${names(model.info?.inputs)}) with its shape and distribution (normal or uniform)`,
    `the sample output among the model's outputs (${names(model.info?.outputs)})`,
    'the postprocess block of its modality: for a table the columns, for an image the size, layout and value range',
  ];
}

function bareModelCard(title: string, model: ModelRead, extra: { errors?: string[]; notes?: string[] } = {}): GeneratorCard {
  return {
    title,
    model: modelSummary(model, dirname(model.path)),
    ...modelRows(model, undefined),
    checks: [],
    sections: [],
    errors: [...(model.error ? [model.error] : []), ...(extra.errors ?? [])],
    notes: [...(model.note ? [model.note] : []), ...(extra.notes ?? [])],
    ...(model.error ? {} : { missing: missingManifest(model) }),
    canGenerate: false,
  };
}

function errorCard(title: string, e: unknown): GeneratorCard {
  return { title, checks: [], sections: [], errors: [typeof e === 'string' ? e : cardError(e)], notes: [], canGenerate: false };
}

async function folderCard(folder: string, title: string, maxBytes: number): Promise<GeneratorCardRead> {
  const manifestPath = resolveInside(folder, MANIFEST_FILE);
  const exists = await stat(manifestPath).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists)
    return {
      card: errorCard(title, new MedSynthError('MANIFEST_INVALID', `no ${MANIFEST_FILE} in the generator folder`, { file: folder })),
    };
  const read = await readManifestFile(manifestPath);
  if (!read.manifest) return { card: errorCard(title, read.error ?? 'unreadable manifest') };
  const m = read.manifest;
  let modelPath: string;
  try {
    modelPath = await manifestModelPath(folder, m, manifestPath);
  } catch (e) {
    return {
      card: {
        ...errorCard(title, e),
        name: clip(m.name),
        modality: m.modality,
        family: m.family,
        manifestSource: MANIFEST_FILE,
        sections: manifestSections(m, []),
      },
    };
  }
  const card = generatorCard(title, folder, m, MANIFEST_FILE, await readModel(modelPath, maxBytes));
  return { card, ...(card.canGenerate ? { generator: folder } : {}) };
}

async function onnxCard(file: string, title: string, maxBytes: number): Promise<GeneratorCardRead> {
  const model = await readModel(file, maxBytes);
  if (model.error) return { card: bareModelCard(title, model) };
  const embedded = model.info?.metadata[MANIFEST_METADATA_KEY];
  if (embedded !== undefined) {
    const source = `the metadata_props of ${basename(file)}`;
    try {
      const m = parseManifestJson(embedded, `${file} (metadata_props)`);
      const card = generatorCard(title, dirname(file), m, source, model);
      return { card, ...(card.canGenerate ? { generator: file } : {}) };
    } catch (e) {
      return { card: bareModelCard(title, model, { errors: [cardError(e)] }) };
    }
  }
  // A bare model next to the medsynth.json that names it is a folder generator opened by its model file.
  const folder = dirname(file);
  const manifestPath = resolveInside(folder, MANIFEST_FILE);
  const hasSibling = await stat(manifestPath).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!hasSibling) return { card: bareModelCard(title, model) };
  const read = await readManifestFile(manifestPath);
  if (!read.manifest) return { card: bareModelCard(title, model, { errors: [read.error ?? 'unreadable manifest'] }) };
  const named = await manifestModelPath(folder, read.manifest, manifestPath).catch(() => undefined);
  if (named !== (await realpath(file))) {
    return {
      card: bareModelCard(title, model, {
        notes: [`the ${MANIFEST_FILE} beside it describes ${clip(read.manifest.model)}, not this file`],
      }),
    };
  }
  const card = generatorCard(title, folder, read.manifest, MANIFEST_FILE, model);
  return { card, ...(card.canGenerate ? { generator: folder } : {}) };
}

/**
 * The card for a generator folder, its medsynth.json, or an .onnx file (with its manifest in its
 * metadata_props, beside it, or none). Never throws for a bad file: the typed error is on the card.
 */
export async function readGeneratorCard(path: string, opts: GeneratorCardReadOptions = {}): Promise<GeneratorCardRead> {
  // A medsynth.json is titled by its folder: that is the generator.
  const name = basename(path) || path;
  const title = clip(name.toLowerCase() === MANIFEST_FILE ? basename(dirname(resolve(path))) : name);
  const maxBytes = opts.maxModelBytes ?? MAX_CARD_MODEL_BYTES;
  try {
    const real = await realpath(path);
    const info = await stat(real);
    if (info.isDirectory()) return await folderCard(real, title, maxBytes);
    if (info.isFile() && basename(real).toLowerCase() === MANIFEST_FILE) return await folderCard(dirname(real), title, maxBytes);
    if (info.isFile() && real.toLowerCase().endsWith('.onnx')) return await onnxCard(real, title, maxBytes);
    return {
      card: errorCard(
        title,
        new MedSynthError('BAD_USAGE', `not a generator: expected a folder with ${MANIFEST_FILE}, a ${MANIFEST_FILE} or an .onnx file`, {
          file: path,
        }),
      ),
    };
  } catch (e) {
    if (isMedSynthError(e)) return { card: errorCard(title, e) };
    if (errnoCode(e) === 'ENOENT')
      return { card: errorCard(title, new MedSynthError('BAD_USAGE', 'no such generator folder or file', { file: path })) };
    return {
      card: errorCard(
        title,
        new MedSynthError('IO', `cannot read the generator: ${e instanceof Error ? e.message : String(e)}`, { file: path }),
      ),
    };
  }
}
