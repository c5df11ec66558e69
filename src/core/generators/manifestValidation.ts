// Validates medsynth.json as untrusted input: every field is checked with its JSON path in the error,
// paths must stay inside the generator folder, and declared shapes are bounded before anything is
// allocated from them. The field readers are jsonReader.ts's, shared with the embedder manifest.
import { MedSynthError } from '../errors';
import type { ConditionInput, DiffusionSection, GeneratorManifest, LatentInput, TableColumnSpec, TablePostprocess } from './manifest';
import { validateDiffusionConfig } from './diffusion/diffusionConfig';
import type { DiffusionConfig } from './diffusion/types';
import { specFeatureIndices } from './tableDecoding';
import { compileDatetimeFormat } from '../data/table/datetimeFormat';
import { parseBoolean } from '../data/table/cellValues';
import { describeValue, jsonNestingDepth, ManifestReader } from './jsonReader';

/** Largest single declared dimension, and largest element count of one sample (batch excluded). */
export const MAX_MANIFEST_DIM = 1_000_000;
export const MAX_SAMPLE_ELEMENTS = 100_000_000;

/** medsynth.json is small and flat; deeper or larger is hostile (checked before any field is read). */
export const MAX_MANIFEST_DEPTH = 32;
export const MAX_MANIFEST_BYTES = 1024 * 1024;

function readShape(r: ManifestReader, v: unknown, path: string): number[] {
  const dims = r.array(v, path, 8).map((d, i) => (d === -1 ? -1 : r.integer(d, `${path}[${i}]`, 1, MAX_MANIFEST_DIM)));
  if (dims.length === 0) throw r.fail(path, 'is empty', 'at least one dimension');
  const elements = dims.slice(1).reduce((a, d) => a * Math.max(d, 1), 1);
  if (elements > MAX_SAMPLE_ELEMENTS)
    throw new MedSynthError('LIMIT_EXCEEDED', `${path}: one sample would have ${elements} elements`, {
      file: r.source,
      expected: `at most ${MAX_SAMPLE_ELEMENTS}`,
    });
  return dims;
}

/**
 * A boolean column's spelling of false and true. Each must be a word the table reader reads back as
 * that value (true/false or yes/no, any letter case, no surrounding blanks), so that evaluating the
 * written output against its source reads the same booleans.
 */
function readBooleanLabels(r: ManifestReader, v: unknown, path: string, kind: 'categorical' | 'boolean'): readonly [string, string] {
  if (kind !== 'boolean') throw r.fail(path, 'is given for a categorical column', 'labels only on boolean columns');
  const list = r.array(v, path, 16);
  if (list.length !== 2) throw r.fail(path, `has ${list.length} item${list.length === 1 ? '' : 's'}`, 'two spellings: [false, true]');
  const labels = list.map((x, i) => {
    const label = r.string(x, `${path}[${i}]`);
    if (label.trim() !== label || parseBoolean(label) !== (i === 1))
      throw r.fail(
        `${path}[${i}]`,
        `is ${describeValue(label)}`,
        `a spelling of ${i === 1 ? 'true' : 'false'}: ${i === 1 ? 'true or yes' : 'false or no'}, any letter case`,
      );
    return label;
  });
  return [labels[0], labels[1]];
}

function readColumnSpec(r: ManifestReader, v: unknown, path: string, features: number): TableColumnSpec {
  const o = r.object(v, path);
  const name = r.string(o.name, `${path}.name`);
  const kind = r.oneOf(o.kind, `${path}.kind`, ['numeric', 'datetime', 'categorical', 'boolean', 'identifier', 'text'] as const);
  const index = (key: string): number => r.integer(o[key], `${path}.${key}`, 0, features - 1);
  const missing = o.missingIndex === undefined ? {} : { missingIndex: index('missingIndex') };
  const transform = (allowStandard: boolean): Extract<TableColumnSpec, { kind: 'numeric' }>['transform'] => {
    if (o.transform === undefined) return undefined;
    const t = r.object(o.transform, `${path}.transform`);
    const type = r.oneOf(
      t.type,
      `${path}.transform.type`,
      allowStandard ? (['identity', 'minmax', 'standard'] as const) : (['identity', 'minmax'] as const),
    );
    if (type === 'identity') return { type };
    if (type === 'standard')
      return { type, mean: r.number(t.mean, `${path}.transform.mean`), std: r.number(t.std, `${path}.transform.std`) };
    const from =
      t.from === undefined
        ? undefined
        : r.array(t.from, `${path}.transform.from`, 2).map((x, i) => r.number(x, `${path}.transform.from[${i}]`));
    if (from && (from.length !== 2 || from[0] === from[1]))
      throw r.fail(`${path}.transform.from`, 'is not a proper interval', '[a, b] with a != b');
    return {
      type,
      min: r.number(t.min, `${path}.transform.min`),
      max: r.number(t.max, `${path}.transform.max`),
      ...(from ? { from: [from[0], from[1]] as const } : {}),
    };
  };
  let spec: TableColumnSpec;
  switch (kind) {
    case 'numeric': {
      const t = transform(true);
      const integer = o.integer === undefined ? undefined : o.integer === true;
      const round = o.round === undefined ? undefined : r.integer(o.round, `${path}.round`, 0, 15);
      spec = {
        name,
        kind,
        index: index('index'),
        ...(t ? { transform: t } : {}),
        ...(integer !== undefined ? { integer } : {}),
        ...(round !== undefined ? { round } : {}),
        ...missing,
      };
      break;
    }
    case 'datetime': {
      const t = transform(false) as Extract<TableColumnSpec, { kind: 'datetime' }>['transform'];
      const format = o.format === undefined ? undefined : r.string(o.format, `${path}.format`);
      if (format !== undefined && !compileDatetimeFormat(format))
        throw r.fail(
          `${path}.format`,
          `is ${describeValue(format)}`,
          'a datetime format such as YYYY-MM-DD, DD-Mon-YY or MM/DD/YYYY HH:mm',
        );
      spec = {
        name,
        kind,
        index: index('index'),
        precision: r.oneOf(o.precision, `${path}.precision`, ['date', 'datetime'] as const),
        ...(t ? { transform: t } : {}),
        ...(format !== undefined ? { format } : {}),
        ...missing,
      };
      break;
    }
    case 'categorical':
    case 'boolean': {
      const categories = r.array(o.categories, `${path}.categories`, MAX_MANIFEST_DIM).map((c, i) => {
        if (typeof c !== 'string') throw r.fail(`${path}.categories[${i}]`, 'is not a string', 'a string');
        return c;
      });
      const labels = o.labels === undefined ? undefined : readBooleanLabels(r, o.labels, `${path}.labels`, kind);
      spec = {
        name,
        kind,
        categories,
        ...(labels !== undefined ? { labels } : {}),
        encoding: r.oneOf(o.encoding, `${path}.encoding`, ['index', 'onehot'] as const),
        index: index('index'),
        ...missing,
      };
      break;
    }
    case 'identifier': {
      if (typeof o.prefix !== 'string' || o.prefix.length > 64)
        throw r.fail(`${path}.prefix`, 'is not a string of at most 64 characters', 'a string');
      const digits = o.digits === undefined ? {} : { digits: r.integer(o.digits, `${path}.digits`, 1, 20) };
      spec = { name, kind, prefix: o.prefix, ...digits };
      break;
    }
    case 'text':
      spec = { name, kind, ...(o.missingRate === undefined ? {} : { missingRate: r.number(o.missingRate, `${path}.missingRate`) }) };
      break;
  }
  for (const i of specFeatureIndices(spec))
    if (i >= features) throw r.fail(path, `reads feature ${i} beyond postprocess.features = ${features}`, `indices below ${features}`);
  return spec;
}

function readTablePostprocess(r: ManifestReader, v: unknown): TablePostprocess {
  const o = r.object(v, '$.postprocess');
  const features = r.integer(o.features, '$.postprocess.features', 1, MAX_MANIFEST_DIM);
  const columns = r
    .array(o.columns, '$.postprocess.columns', 100_000)
    .map((c, i) => readColumnSpec(r, c, `$.postprocess.columns[${i}]`, features));
  const names = new Set<string>();
  columns.forEach((c, i) => {
    if (names.has(c.name)) throw r.fail(`$.postprocess.columns[${i}].name`, `duplicates column "${c.name}"`, 'unique column names');
    names.add(c.name);
  });
  return { columns, features };
}

/** At most this many classes, each name at most MAX_CLASS_NAME characters. */
export const MAX_CLASSES = 10_000;
export const MAX_CLASS_NAME = 256;

function readCondition(r: ManifestReader, v: unknown): ConditionInput {
  const c = r.object(v, '$.inputs.condition');
  const name = r.string(c.name, '$.inputs.condition.name');
  const kind = r.oneOf(c.kind, '$.inputs.condition.kind', ['onehot', 'index', 'vector', 'source'] as const);
  if (kind === 'onehot' || kind === 'index') {
    if (c.shape !== undefined)
      throw r.fail('$.inputs.condition.shape', `is given for a ${kind} condition`, 'no shape: it follows from classes');
    if (c.classes === undefined) throw r.fail('$.inputs.condition.classes', 'is missing', `the class names of a ${kind} condition`);
    const list = r.array(c.classes, '$.inputs.condition.classes', MAX_CLASSES);
    if (list.length === 0) throw r.fail('$.inputs.condition.classes', 'is empty', 'at least one class name');
    const seen = new Set<string>();
    const classes = list.map((x, i) => {
      const path = `$.inputs.condition.classes[${i}]`;
      if (typeof x !== 'string' || x.trim() === '' || x.length > MAX_CLASS_NAME)
        throw r.fail(path, `is ${describeValue(x)}`, `a non-blank class name of at most ${MAX_CLASS_NAME} characters`);
      if (seen.has(x)) throw r.fail(path, `duplicates class "${x}"`, 'unique class names');
      seen.add(x);
      return x;
    });
    return { name, kind, classes };
  }
  if (c.classes !== undefined)
    throw r.fail('$.inputs.condition.classes', `is given for a ${kind} condition`, 'classes only on onehot and index conditions');
  if (c.shape === undefined) throw r.fail('$.inputs.condition.shape', 'is missing', `the shape of a ${kind} condition, [-1, ...]`);
  const shape = readShape(r, c.shape, '$.inputs.condition.shape');
  if (shape.length < 2 || shape[0] !== -1 || shape.slice(1).some((d) => d < 1))
    throw r.fail('$.inputs.condition.shape', `is [${shape.join(', ')}]`, '[-1, d1, ...] with fixed positive dimensions after the batch');
  return { name, kind, shape };
}

/** Values one sample of a condition holds: classes for onehot, 1 for index, the shape's tail otherwise. */
export function conditionWidth(c: ConditionInput): number {
  if (c.kind === 'onehot') return c.classes?.length ?? 0;
  if (c.kind === 'index') return 1;
  return (c.shape ?? []).slice(1).reduce((a, d) => a * d, 1);
}

function readNullCondition(r: ManifestReader, v: unknown, condition: ConditionInput): number | readonly number[] {
  const path = '$.diffusion.nullCondition';
  if (condition.kind === 'index') return r.integer(v, path, 0, MAX_MANIFEST_DIM);
  const width = conditionWidth(condition);
  const list = r.array(v, path, MAX_MANIFEST_DIM);
  if (list.length !== width)
    throw r.fail(path, `has ${list.length} values`, `${width} values, one per element of the ${condition.kind} condition`);
  return list.map((x, i) => r.number(x, `${path}[${i}]`));
}

/**
 * The `diffusion` section: required for family 'diffusion', refused for the others. A decoder path is
 * checked for containment first, whatever the family, like the model path.
 */
function readDiffusion(
  r: ManifestReader,
  v: unknown,
  family: GeneratorManifest['family'],
  latent: LatentInput,
  condition: ConditionInput | undefined,
): DiffusionSection | undefined {
  if (v === undefined) {
    if (family === 'diffusion') throw r.fail('$.diffusion', 'is missing', 'the sampler configuration of a diffusion generator');
    return undefined;
  }
  const d = r.object(v, '$.diffusion');
  const decoder = d.decoder === undefined ? undefined : r.relativePath(d.decoder, '$.diffusion.decoder');
  if (family !== 'diffusion') throw r.fail('$.diffusion', `is given for family ${family}`, 'a diffusion section only for family diffusion');
  const config = validateDiffusionConfig(d as unknown as DiffusionConfig, r.source);
  const shape = latent.shape;
  if (shape.length < 2 || shape[0] !== -1 || shape.slice(1).some((x) => x < 1))
    throw r.fail('$.inputs.latent.shape', `is [${shape.join(', ')}]`, 'the noisy sample [-1, C, H, W]: -1 first, fixed dimensions after');
  if (latent.distribution !== 'normal')
    throw r.fail('$.inputs.latent.distribution', `is "${latent.distribution}"`, '"normal": diffusion starts from Gaussian noise');
  const timestepInput = r.string(d.timestepInput, '$.diffusion.timestepInput');
  if (timestepInput === latent.name || timestepInput === condition?.name)
    throw r.fail(
      '$.diffusion.timestepInput',
      `"${timestepInput}" is also the ${timestepInput === latent.name ? 'latent' : 'condition'} input`,
      'an input of its own',
    );
  if (d.sampleInput !== undefined && d.sampleInput !== latent.name)
    throw r.fail(
      '$.diffusion.sampleInput',
      `is ${describeValue(d.sampleInput)}`,
      `"${latent.name}": the noisy sample is fed to inputs.latent`,
    );
  let decoding: Pick<DiffusionSection, 'decoder' | 'decoderInput' | 'decoderOutput' | 'latentScale'> = {};
  if (decoder !== undefined) {
    const latentScale = d.latentScale === undefined ? undefined : r.number(d.latentScale, '$.diffusion.latentScale');
    if (latentScale !== undefined && latentScale <= 0) throw r.fail('$.diffusion.latentScale', `is ${latentScale}`, 'a positive number');
    decoding = {
      decoder,
      decoderInput: r.string(d.decoderInput, '$.diffusion.decoderInput'),
      decoderOutput: r.string(d.decoderOutput, '$.diffusion.decoderOutput'),
      ...(latentScale !== undefined ? { latentScale } : {}),
    };
  } else {
    for (const key of ['decoderInput', 'decoderOutput', 'latentScale'])
      if (d[key] !== undefined) throw r.fail(`$.diffusion.${key}`, 'is given without a decoder', 'diffusion.decoder with it');
  }
  let nullCondition: DiffusionSection['nullCondition'];
  if (config.guidanceScale !== undefined) {
    if (!condition || condition.kind === 'source')
      throw r.fail(
        '$.diffusion.guidanceScale',
        condition ? 'is given for a source condition' : 'is given without a condition input',
        'guidance only with an onehot, index or vector condition',
      );
    if (d.nullCondition === undefined)
      throw r.fail('$.diffusion.nullCondition', 'is missing', 'what the unconditional branch of guidance is fed');
    nullCondition = readNullCondition(r, d.nullCondition, condition);
  } else if (d.nullCondition !== undefined) {
    throw r.fail('$.diffusion.nullCondition', 'is given without guidanceScale', 'diffusion.guidanceScale with it');
  }
  const defined = Object.entries(config).filter(([, x]) => x !== undefined);
  return {
    ...(Object.fromEntries(defined) as unknown as DiffusionConfig),
    timestepInput,
    ...decoding,
    ...(nullCondition !== undefined ? { nullCondition } : {}),
  };
}

/** Parses untrusted manifest JSON (already JSON.parse'd) from `source` into a GeneratorManifest. */
export function validateManifest(json: unknown, source: string): GeneratorManifest {
  const r = new ManifestReader(source, 'generator folder');
  if (jsonNestingDepth(json, MAX_MANIFEST_DEPTH) > MAX_MANIFEST_DEPTH) {
    throw new MedSynthError('LIMIT_EXCEEDED', `the manifest is nested more than ${MAX_MANIFEST_DEPTH} levels deep`, {
      file: source,
      expected: `objects and arrays nested at most ${MAX_MANIFEST_DEPTH} levels deep`,
    });
  }
  const o = r.object(json, '$');
  if (o.schema !== 'medsynth.generator/1') throw r.fail('$.schema', `is ${describeValue(o.schema)}`, '"medsynth.generator/1"');
  const modality = r.oneOf(o.modality, '$.modality', ['image', 'signal', 'table', 'text'] as const);
  const family = r.oneOf(o.family, '$.family', ['single-pass', 'diffusion', 'autoregressive'] as const);
  const inputs = r.object(o.inputs, '$.inputs');
  const latentJson = r.object(inputs.latent, '$.inputs.latent');
  const latent = {
    name: r.string(latentJson.name, '$.inputs.latent.name'),
    shape: readShape(r, latentJson.shape, '$.inputs.latent.shape'),
    distribution: r.oneOf(latentJson.distribution, '$.inputs.latent.distribution', ['normal', 'uniform'] as const),
  };
  const condition = inputs.condition === undefined ? undefined : readCondition(r, inputs.condition);
  const sampleJson = r.object(r.object(o.outputs, '$.outputs').sample, '$.outputs.sample');
  const sample = {
    name: r.string(sampleJson.name, '$.outputs.sample.name'),
    ...(typeof sampleJson.layout === 'string' ? { layout: sampleJson.layout } : {}),
  };
  let postprocess: GeneratorManifest['postprocess'];
  if (modality === 'table') postprocess = readTablePostprocess(r, o.postprocess);
  else if (o.postprocess !== undefined) postprocess = r.object(o.postprocess, '$.postprocess');
  const diffusion = readDiffusion(r, o.diffusion, family, latent, condition);
  let provenance: GeneratorManifest['provenance'];
  if (o.provenance !== undefined) {
    const p = r.object(o.provenance, '$.provenance');
    const entries = (['createdBy', 'trainedOn', 'trainingDataSha256', 'license', 'createdAt'] as const).flatMap((k) => {
      const v = r.optionalString(p[k], `$.provenance.${k}`);
      return v === undefined ? [] : [[k, v] as const];
    });
    provenance = Object.fromEntries(entries);
  }
  // Sections no family defines pass through; every field read here is checked.
  return {
    ...o,
    schema: 'medsynth.generator/1',
    name: r.string(o.name, '$.name'),
    modality,
    family,
    model: r.relativePath(o.model, '$.model'),
    inputs: { latent, ...(condition ? { condition } : {}) },
    outputs: { sample },
    ...(postprocess ? { postprocess } : {}),
    ...(diffusion ? { diffusion } : {}),
    ...(provenance ? { provenance } : {}),
  };
}

export interface ModelSignature {
  readonly inputs: readonly { readonly name: string; readonly dims: readonly (number | string)[] }[];
  readonly outputs: readonly { readonly name: string; readonly dims: readonly (number | string)[] }[];
}

function mismatch(message: string): MedSynthError {
  return new MedSynthError('MODEL_MISMATCH', message);
}

/** Checks that the model's inputs and outputs are the ones the manifest promises (MODEL_MISMATCH). */
export function checkModelSignature(manifest: GeneratorManifest, io: ModelSignature): void {
  const names = (list: ModelSignature['inputs']): string => list.map((t) => t.name).join(', ') || 'none';
  const latent = io.inputs.find((i) => i.name === manifest.inputs.latent.name);
  if (!latent)
    throw mismatch(
      `the manifest's latent input "${manifest.inputs.latent.name}" is not an input of the model (inputs: ${names(io.inputs)})`,
    );
  const shape = manifest.inputs.latent.shape;
  if (latent.dims.length !== shape.length)
    throw mismatch(`latent input "${latent.name}" has rank ${latent.dims.length} in the model but ${shape.length} in the manifest`);
  latent.dims.forEach((d, i) => {
    if (typeof d === 'number' && d > 0 && shape[i] > 0 && d !== shape[i])
      throw mismatch(`latent input "${latent.name}" dimension ${i} is ${d} in the model but ${shape[i]} in the manifest`);
  });
  const condition = manifest.inputs.condition;
  if (condition && !io.inputs.some((i) => i.name === condition.name))
    throw mismatch(`the manifest's condition input "${condition.name}" is not an input of the model (inputs: ${names(io.inputs)})`);
  const timestep = manifest.family === 'diffusion' ? manifest.diffusion?.timestepInput : undefined;
  if (timestep !== undefined && !io.inputs.some((i) => i.name === timestep))
    throw mismatch(`the manifest's timestep input "${timestep}" is not an input of the model (inputs: ${names(io.inputs)})`);
  if (manifest.family === 'single-pass' || manifest.family === 'diffusion') {
    const fed = new Set([
      manifest.inputs.latent.name,
      ...(condition ? [condition.name] : []),
      ...(timestep !== undefined ? [timestep] : []),
    ]);
    const unfed = io.inputs.filter((i) => !fed.has(i.name));
    if (unfed.length > 0) throw mismatch(`the model needs inputs the manifest does not describe: ${names(unfed)}`);
  }
  const output = io.outputs.find((o) => o.name === manifest.outputs.sample.name);
  if (!output)
    throw mismatch(
      `the manifest's sample output "${manifest.outputs.sample.name}" is not an output of the model (outputs: ${names(io.outputs)})`,
    );
  if (manifest.modality === 'table' && manifest.postprocess && 'features' in manifest.postprocess) {
    const features = (manifest.postprocess as TablePostprocess).features;
    const last = output.dims[output.dims.length - 1];
    if (output.dims.length !== 2) throw mismatch(`table output "${output.name}" has rank ${output.dims.length}, expected [rows, features]`);
    if (typeof last === 'number' && last > 0 && last !== features)
      throw mismatch(`table output "${output.name}" has ${last} features but the manifest declares ${features}`);
  }
}
