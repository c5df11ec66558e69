// Writes a generated sample as the output file of the generator's modality: the inference client's
// batches go through a SampleQueue to the modality's sample codec (src/core/modalities/*), whose bytes
// are written atomically (temp file + rename), so a failed or cancelled run leaves nothing behind.
import { MedSynthError } from '../core/errors';
import type { SampleBlock, SampleCodec } from '../core/modalities/modality';
import { modalityForOutput, outputExtensions, requireOutputs, requireSampleCodec } from '../core/modalities/registry';
import { writeFileAtomic } from '../storage/atomic';

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
  await writeFileAtomic(
    out,
    codec.encode(spec, blocks, { out, firstRow, signal, ...(chunkRows !== undefined ? { chunkRows } : {}) }),
    signal,
  );
}
