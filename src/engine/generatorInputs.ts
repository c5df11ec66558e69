// What a generate run feeds a generator besides its latent noise: class counts for a conditional
// model (the manifest's `inputs.condition` of kind onehot or index), source images for a translation
// model (kind source: one output per source frame), and the latent decoder of a latent diffusion model,
// resolved inside the generator folder. Class k gets global samples [sum(counts[<k]), sum(counts[<=k])),
// so a shard of the run asks for the same classes as the single run does for those rows.
import { MedSynthError } from '../core/errors';
import type { EmbedderManifest } from '../core/embedder/embedderManifest';
import type { DecodeLimits } from '../core/data/decodeLimits';
import type { GeneratorManifest } from '../core/generators/manifest';
import { classOfSample } from '../protocol/inference';
import type { SampleCondition } from '../protocol/inference';
import { readDataset } from '../storage/datasets';
import { resolveInside } from '../storage/paths';

export interface GeneratorInputOptions {
  /** Samples per class name of a conditional generator; absent: n spread evenly over the classes. */
  readonly classCounts?: Readonly<Record<string, number>>;
  /** A translation model's source images (a file or folder); one output per frame. */
  readonly source?: string;
  readonly decodeLimits?: DecodeLimits;
  readonly signal?: AbortSignal;
}

export interface GeneratorInputs {
  readonly condition?: SampleCondition;
  readonly decoderPath?: string;
  /** The class name of global sample i, for the labels file of a conditional run. */
  readonly labelOf?: (index: number) => string;
}

/** n spread over k classes: floor(n/k) each, the first n mod k one more. */
export function evenCounts(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}

function classCounts(classes: readonly string[], n: number, asked: Readonly<Record<string, number>> | undefined, source: string): number[] {
  if (!asked) return evenCounts(n, classes.length);
  for (const name of Object.keys(asked))
    if (!classes.includes(name))
      throw new MedSynthError('BAD_USAGE', `the generator has no class '${name}'`, { file: source, expected: classes.join(', ') });
  const counts = classes.map((c) => asked[c] ?? 0);
  for (const [i, v] of counts.entries())
    if (!Number.isSafeInteger(v) || v < 0)
      throw new MedSynthError('BAD_USAGE', `the count for class '${classes[i]}' must be a whole number, got ${v}`);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== n)
    throw new MedSynthError('BAD_USAGE', `the class counts add up to ${total}, but --n is ${n}`, {
      expected: `counts that add up to ${n}`,
    });
  return counts;
}

/** The source images of a translation run, prepared as the condition's [C, H, W] on the output range. */
async function sourceData(
  manifest: GeneratorManifest,
  shape: readonly number[],
  opts: GeneratorInputOptions,
  n: number,
  firstRow: number,
  rows: number,
  folder: string,
): Promise<Float32Array> {
  if (opts.source === undefined)
    throw new MedSynthError('BAD_USAGE', 'this generator translates images: name the source images (--source <file|folder>)', {
      file: folder,
    });
  const read = await readDataset(opts.source, { decode: { limits: opts.decodeLimits, signal: opts.signal } });
  // The source goes through its modality's embedder-input preparation (images: display range, resize).
  const prepare = read.modality.features?.embedderInput;
  if (!prepare) throw new MedSynthError('BAD_USAGE', `--source must be images, ${opts.source} holds ${read.modality.noun}`);
  const [, channels, height, width] = shape;
  if (shape.length !== 4 || (channels !== 1 && channels !== 3))
    throw new MedSynthError('MANIFEST_INVALID', `$.inputs.condition.shape must be [-1, C, H, W] with C 1 or 3 for a source input`, {
      file: folder,
    });
  const post = (manifest.postprocess ?? {}) as { outputRange?: readonly [number, number] };
  const range: readonly [number, number] = Array.isArray(post.outputRange) ? post.outputRange : [-1, 1];
  const scale: EmbedderManifest = {
    schema: 'medsynth.embedder/1',
    name: 'translation source',
    model: 'model.onnx',
    input: { name: manifest.inputs.condition?.name ?? 'source', shape: [-1, channels, height, width] },
    valueRange: [range[0], range[1]],
    output: { name: manifest.outputs.sample.name },
    doc: 'the source images of a translation model, on its output range',
    license: 'n/a',
  };
  const prepared = prepare(read.dataset, scale, opts.signal);
  if (prepared.count !== n)
    throw new MedSynthError(
      'BAD_USAGE',
      `${opts.source} holds ${prepared.count} frame(s), but --n is ${n}: a translation makes one image per source frame`,
      {
        expected: `--n ${prepared.count}`,
      },
    );
  const per = channels * height * width;
  return prepared.data.slice(firstRow * per, (firstRow + rows) * per);
}

/** The condition, decoder and labels of a run of `rows` samples from global `firstRow` of `n`. */
export async function generatorInputs(
  manifest: GeneratorManifest,
  folder: string,
  n: number,
  firstRow: number,
  rows: number,
  opts: GeneratorInputOptions,
): Promise<GeneratorInputs> {
  const decoder = (manifest as { diffusion?: { decoder?: string } }).diffusion?.decoder;
  const decoderPath = decoder !== undefined ? resolveInside(folder, decoder) : undefined;
  const c = manifest.inputs.condition;
  if (!c) {
    if (opts.classCounts)
      throw new MedSynthError('BAD_USAGE', 'class counts are for conditional generators; this one has no condition input', {
        file: folder,
      });
    if (opts.source !== undefined)
      throw new MedSynthError('BAD_USAGE', '--source is for translation generators; this one has no source input', { file: folder });
    return decoderPath ? { decoderPath } : {};
  }
  const withDecoder = decoderPath ? { decoderPath } : {};
  switch (c.kind) {
    case 'onehot':
    case 'index': {
      const classes = c.classes ?? [];
      const counts = classCounts(classes, n, opts.classCounts, folder);
      return { ...withDecoder, condition: { kind: 'classes', counts }, labelOf: (i) => classes[classOfSample(counts, i)] ?? '' };
    }
    case 'source':
      return {
        ...withDecoder,
        condition: { kind: 'sources', data: await sourceData(manifest, c.shape ?? [], opts, n, firstRow, rows, folder) },
      };
    case 'vector':
      throw new MedSynthError(
        'UNSUPPORTED',
        `this generator needs a condition vector per sample (input '${c.name}'), which generate cannot supply yet`,
        {
          file: folder,
        },
      );
  }
}
