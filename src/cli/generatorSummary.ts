// The human form of `medsynth inspect <generator folder or .onnx>`: what the generator is, what the
// model takes and gives (as onnxruntime reports it), what a sample becomes (its modality says: the
// columns a table generator writes with their kinds), and where it came from. The --json form is the description itself.
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

function shape(io: ModelIo): string {
  return `${io.type ?? 'tensor'} [${io.dims.join(', ')}]`;
}

export function formatGeneratorSummary(d: GeneratorDescription): string {
  const m = d.manifest;
  const latent = m.inputs.latent;
  const ioLine = (io: ModelIo, role: string): string => `  ${io.name.padEnd(16)} ${shape(io).padEnd(24)} ${role}`;
  const inputRole = (io: ModelIo): string =>
    io.name === latent.name
      ? `latent noise (${latent.distribution})`
      : io.name === m.inputs.condition?.name
        ? `condition (${m.inputs.condition.kind})`
        : '';
  const lines = [
    `${d.path}: ${d.modality} generator "${m.name}", family ${m.family}`,
    `model: ${m.model} (sha256 ${d.modelSha256})`,
    `inputs (${d.model.inputs.length}):`,
    ...d.model.inputs.map((io) => ioLine(io, inputRole(io)).trimEnd()),
    `outputs (${d.model.outputs.length}):`,
    ...d.model.outputs.map((io) => ioLine(io, io.name === m.outputs.sample.name ? 'the sample' : '').trimEnd()),
  ];
  // What a sample becomes, as the generator's modality describes it (tables: the columns and their kinds).
  lines.push(...(modalityById(m.modality)?.describeOutput?.(m) ?? []));
  const p = m.provenance;
  if (p) {
    const parts = [
      p.createdBy !== undefined ? `created by ${p.createdBy}` : undefined,
      p.createdAt !== undefined ? `at ${p.createdAt}` : undefined,
      p.trainedOn !== undefined ? `trained on ${p.trainedOn}` : undefined,
      p.trainingDataSha256 !== undefined ? `(sha256 ${p.trainingDataSha256})` : undefined,
      p.license !== undefined ? `licence ${p.license}` : undefined,
    ].filter((s): s is string => s !== undefined);
    if (parts.length > 0) lines.push(`provenance: ${parts.join(' ')}`);
  } else {
    lines.push('provenance: none recorded');
  }
  return `${lines.join('\n')}\n`;
}
