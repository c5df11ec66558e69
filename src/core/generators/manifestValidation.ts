// Validates medsynth.json as untrusted input: every field is checked with its JSON path in the error,
// paths must stay inside the generator folder, and declared shapes are bounded before anything is
// allocated from them.
import { MedSynthError } from '../errors';
import type { GeneratorManifest, TableColumnSpec, TablePostprocess } from './manifest';
import { specFeatureIndices } from './tableDecoding';
import { compileDatetimeFormat } from '../data/table/datetimeFormat';
import { parseBoolean } from '../data/table/cellValues';

/** Largest single declared dimension, and largest element count of one sample (batch excluded). */
export const MAX_MANIFEST_DIM = 1_000_000;
export const MAX_SAMPLE_ELEMENTS = 100_000_000;

/** medsynth.json is small and flat; deeper or larger is hostile (checked before any field is read). */
export const MAX_MANIFEST_DEPTH = 32;
export const MAX_MANIFEST_BYTES = 1024 * 1024;

type Json = Readonly<Record<string, unknown>>;

/**
 * A short description of a JSON value for an error message. JSON.stringify would recurse natively
 * into a hostile value nested a million deep and overflow the stack, and could be megabytes long.
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (v !== null && typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The nesting depth of a parsed JSON value (a scalar is 0), without recursion, stopping past `limit`. */
export function jsonNestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

class ManifestReader {
  constructor(readonly source: string) {}

  fail(path: string, message: string, expected?: string): MedSynthError {
    return new MedSynthError('MANIFEST_INVALID', `${path}: ${message}`, { file: this.source, ...(expected ? { expected } : {}) });
  }

  object(v: unknown, path: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.fail(path, 'is not an object', 'an object');
    return v as Json;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw this.fail(path, 'is not a non-empty string', 'a string');
    return v;
  }

  optionalString(v: unknown, path: string): string | undefined {
    return v === undefined ? undefined : this.string(v, path);
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
      throw this.fail(path, `is ${describeValue(v)}`, `one of ${allowed.join(', ')}`);
    return v as T;
  }

  integer(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw this.fail(path, `is ${describeValue(v)}`, `an integer in [${min}, ${max}]`);
    return v;
  }

  number(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.fail(path, `is ${describeValue(v)}`, 'a finite number');
    return v;
  }

  array(v: unknown, path: string, maxLength: number): readonly unknown[] {
    if (!Array.isArray(v) || v.length > maxLength) throw this.fail(path, 'is not an array', `an array of at most ${maxLength} items`);
    return v;
  }

  /** A path relative to the generator folder: no '..', not absolute, no backslashes or drive letters. */
  relativePath(v: unknown, path: string): string {
    const p = this.string(v, path);
    const segments = p.split('/');
    const escapes =
      p.startsWith('/') ||
      p.includes('\\') ||
      p.includes('\0') ||
      /^[A-Za-z]:/.test(p) ||
      p.includes(':') ||
      segments.some((s) => s === '..');
    if (escapes)
      throw new MedSynthError('PATH_ESCAPE', `${path}: "${p}" leaves the generator folder`, {
        file: this.source,
        expected: 'a path relative to the generator folder',
      });
    if (segments.some((s) => s === '' || s === '.'))
      throw this.fail(path, `"${p}" is not a normalized relative path`, 'a path like model.onnx');
    return p;
  }
}

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

/** Parses untrusted manifest JSON (already JSON.parse'd) from `source` into a GeneratorManifest. */
export function validateManifest(json: unknown, source: string): GeneratorManifest {
  const r = new ManifestReader(source);
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
  let condition: GeneratorManifest['inputs']['condition'];
  if (inputs.condition !== undefined) {
    const c = r.object(inputs.condition, '$.inputs.condition');
    const classes =
      c.classes === undefined
        ? undefined
        : r.array(c.classes, '$.inputs.condition.classes', MAX_MANIFEST_DIM).map((x, i) => r.string(x, `$.inputs.condition.classes[${i}]`));
    condition = {
      name: r.string(c.name, '$.inputs.condition.name'),
      kind: r.oneOf(c.kind, '$.inputs.condition.kind', ['onehot', 'index', 'vector', 'source'] as const),
      ...(classes ? { classes } : {}),
    };
  }
  const sampleJson = r.object(r.object(o.outputs, '$.outputs').sample, '$.outputs.sample');
  const sample = {
    name: r.string(sampleJson.name, '$.outputs.sample.name'),
    ...(typeof sampleJson.layout === 'string' ? { layout: sampleJson.layout } : {}),
  };
  let postprocess: GeneratorManifest['postprocess'];
  if (modality === 'table') postprocess = readTablePostprocess(r, o.postprocess);
  else if (o.postprocess !== undefined) postprocess = r.object(o.postprocess, '$.postprocess');
  // Other files a family may name (a latent decoder) obey the same containment rule as the model.
  if (o.diffusion !== undefined) {
    const d = r.object(o.diffusion, '$.diffusion');
    if (d.decoder !== undefined) r.relativePath(d.decoder, '$.diffusion.decoder');
  }
  let provenance: GeneratorManifest['provenance'];
  if (o.provenance !== undefined) {
    const p = r.object(o.provenance, '$.provenance');
    const entries = (['createdBy', 'trainedOn', 'trainingDataSha256', 'license', 'createdAt'] as const).flatMap((k) => {
      const v = r.optionalString(p[k], `$.provenance.${k}`);
      return v === undefined ? [] : [[k, v] as const];
    });
    provenance = Object.fromEntries(entries);
  }
  // Sections other families define (e.g. `diffusion`) pass through; every field read here is checked.
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
  if (manifest.family === 'single-pass') {
    const fed = new Set([manifest.inputs.latent.name, ...(condition ? [condition.name] : [])]);
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
