// Writes a generated sample as the output file of the generator's modality: the inference client's
// batches go through a SampleQueue to the modality's sample codec (src/core/modalities/*), whose bytes
// are written atomically (temp file + rename), so a failed or cancelled run leaves nothing behind.
import { MedSynthError } from '../core/errors';
import type { ItemEncodeOptions, ModalityDefinition, SampleBlock, SampleCodec } from '../core/modalities/modality';
import { modalityForOutput, outputExtensions, requireOutputs, requireSampleCodec } from '../core/modalities/registry';
import { writeFileAtomic, writeFolderAtomic } from '../storage/atomic';

/**
 * Hands sample blocks from the inference client's batch callback to the writer, in order. push/end/fail
 * are called from IPC events; the writer iterates and waits while the queue is empty. A failure is
 * raised at the writer's next step, so it stops without writing the blocks still queued.
 */
export class SampleQueue implements AsyncIterable<SampleBlock> {
  private readonly blocks: SampleBlock[] = [];
  private head = 0;
  private ended = false;
  private failure: { readonly error: unknown } | undefined;
  private wake: (() => void) | undefined;

  push(block: SampleBlock): void {
    this.blocks.push(block);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SampleBlock> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.head < this.blocks.length) {
        const block = this.blocks[this.head];
        // Drop the reference so a written block can be collected while later ones still arrive.
        this.blocks[this.head++] = { data: new Float32Array(0), rows: 0 };
        if (this.head > 1024) {
          this.blocks.splice(0, this.head);
          this.head = 0;
        }
        yield block;
      } else if (this.ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The codec for an output path: the modality whose writers take its extension; BAD_USAGE when none does. */
export function outputCodec(out: string, shown: string = out): SampleCodec {
  const modality = modalityForOutput(out);
  if (!modality) throw new MedSynthError('BAD_USAGE', `cannot tell the output format from '${shown}' (use ${describeExtensions()})`);
  requireOutputs(modality, out);
  return requireSampleCodec(modality, out);
}

/** '.csv, .tsv, .parquet or .jsonl': the writers' extensions, as messages list them. */
export function describeExtensions(): string {
  const all = outputExtensions();
  return all.length <= 1 ? all.join('') : `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}`;
}

/**
 * Writes sample blocks as they arrive, with the bytes the output's modality encodes for them (`spec`
 * is what its codec's check returned for the generator's manifest).
 */
export async function writeSampleStream(
  out: string,
  spec: unknown,
  blocks: AsyncIterable<SampleBlock>,
  firstRow: number,
  signal?: AbortSignal,
  chunkRows?: number,
): Promise<void> {
  const codec = outputCodec(out);
  if (!codec.encode) throw new MedSynthError('BAD_USAGE', `'${out}' names a file, but this generator writes a folder of files`);
  await writeFileAtomic(
    out,
    codec.encode(spec, blocks, { out, firstRow, signal, ...(chunkRows !== undefined ? { chunkRows } : {}) }),
    signal,
  );
}

/**
 * The item format of a folder output for a modality: `format` when its writers take it, else the
 * first; BAD_USAGE naming the formats when the modality writes no folders or not that format.
 */
export function folderFormat(modality: ModalityDefinition, format: string | undefined, file?: string): string {
  const formats = requireOutputs(modality, file).itemFormats ?? [];
  if (formats.length === 0 || !modality.sample?.encodeItems)
    throw new MedSynthError(
      'BAD_USAGE',
      `${modality.noun} are written to one file, not a folder (use ${requireOutputs(modality).extensions.join(', ')})`,
    );
  const chosen = format?.toLowerCase().replace(/^\./, '') ?? formats[0];
  if (!formats.includes(chosen))
    throw new MedSynthError('BAD_USAGE', `--format ${format} is not a format ${modality.noun} are written in`, {
      expected: formats.join(', '),
    });
  return chosen;
}

/** Writes sample blocks as a folder of one file per sample, atomically; returns the number of files. */
export async function writeSampleFolder(
  folder: string,
  modality: ModalityDefinition,
  spec: unknown,
  blocks: AsyncIterable<SampleBlock>,
  opts: ItemEncodeOptions,
): Promise<number> {
  const codec = requireSampleCodec(modality, folder);
  if (!codec.encodeItems) throw new MedSynthError('BAD_USAGE', `${modality.noun} are not written to folders`, { file: folder });
  return writeFolderAtomic(folder, codec.encodeItems(spec, blocks, opts), opts.signal);
}
