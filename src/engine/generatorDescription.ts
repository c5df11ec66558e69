// What a generator is, in words, for `medsynth inspect <generator folder or .onnx>` and the host's
// generator card: what the model takes and gives, the role of each input and output in the manifest,
// what a sample becomes (its modality says: the columns a table generator writes with their kinds, an
// image generator's size and value range), and where it came from. formatGeneratorSummary is inspect's
// human form; the --json form is the GeneratorDescription itself.
import type { GeneratorManifest } from '../core/generators/manifest';
import { modalityById } from '../core/modalities/registry';
import type { ModelIo } from '../protocol/inference';

export interface GeneratorDescription {
  readonly kind: 'generator';
  readonly modality: string;
  readonly path: string;
  readonly modelSha256: string;
  readonly manifest: GeneratorManifest;
  readonly model: { readonly inputs: readonly ModelIo[]; readonly outputs: readonly ModelIo[] };
}

/** A tensor's type and shape as inspect prints it: `float32 [-1, 8]`. */
export function tensorShape(io: Pick<ModelIo, 'type' | 'dims'>): string {
  return `${io.type ?? 'tensor'} [${io.dims.join(', ')}]`;
}

/** What the manifest feeds to the model input `name`: latent noise, a condition, or '' when it names neither. */
export function inputRole(m: GeneratorManifest, name: string): string {
  const latent = m.inputs.latent;
  return name === latent.name
    ? `latent noise (${latent.distribution})`
    : name === m.inputs.condition?.name
      ? `condition (${m.inputs.condition.kind})`
      : '';
}

/** 'the sample' for the output the manifest reads, '' for any other. */
export function outputRole(m: GeneratorManifest, name: string): string {
  return name === m.outputs.sample.name ? 'the sample' : '';
}

/** What a sample of this generator becomes, as its modality describes it; empty when the modality says nothing. */
export function sampleOutputLines(m: GeneratorManifest): readonly string[] {
  return modalityById(m.modality)?.describeOutput?.(m) ?? [];
}

/** The manifest's provenance as one phrase (`created by … at … trained on … (sha256 …) licence …`); undefined when it records none. */
export function provenancePhrase(p: GeneratorManifest['provenance']): string | undefined {
  if (!p) return undefined;
  const parts = [
    p.createdBy !== undefined ? `created by ${p.createdBy}` : undefined,
    p.createdAt !== undefined ? `at ${p.createdAt}` : undefined,
    p.trainedOn !== undefined ? `trained on ${p.trainedOn}` : undefined,
    p.trainingDataSha256 !== undefined ? `(sha256 ${p.trainingDataSha256})` : undefined,
    p.license !== undefined ? `licence ${p.license}` : undefined,
  ].filter((s): s is string => s !== undefined);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

export function formatGeneratorSummary(d: GeneratorDescription): string {
  const m = d.manifest;
  const ioLine = (io: ModelIo, role: string): string => `  ${io.name.padEnd(16)} ${tensorShape(io).padEnd(24)} ${role}`;
  const lines = [
    `${d.path}: ${d.modality} generator "${m.name}", family ${m.family}`,
    `model: ${m.model} (sha256 ${d.modelSha256})`,
    `inputs (${d.model.inputs.length}):`,
    ...d.model.inputs.map((io) => ioLine(io, inputRole(m, io.name)).trimEnd()),
    `outputs (${d.model.outputs.length}):`,
    ...d.model.outputs.map((io) => ioLine(io, outputRole(m, io.name)).trimEnd()),
  ];
  // What a sample becomes, as the generator's modality describes it (tables: the columns and their kinds).
  lines.push(...sampleOutputLines(m));
  if (m.provenance) {
    const phrase = provenancePhrase(m.provenance);
    if (phrase !== undefined) lines.push(`provenance: ${phrase}`);
  } else {
    lines.push('provenance: none recorded');
  }
  return `${lines.join('\n')}\n`;
}
