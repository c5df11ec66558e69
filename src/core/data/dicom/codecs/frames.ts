// Splits the fragments of encapsulated Pixel Data into frames (PS3.5 A.4). The Basic Offset Table is
// used only when it is consistent with the fragments (some writers fill it wrongly); otherwise one
// fragment per frame, otherwise frames end at a fragment whose data ends with an EOI/EOC marker
// (0xFFD9, which closes JPEG, JPEG-LS and JPEG 2000 codestreams alike).

import { badInput } from '../../../errors';
import type { EncapsulatedPixelData } from './frameDecoder';

export function splitFrames(data: EncapsulatedPixelData, numberOfFrames: number, fileName: string | undefined): Uint8Array[] {
  const { fragments } = data;
  if (!Number.isSafeInteger(numberOfFrames) || numberOfFrames < 1) {
    throw badInput(`Number of Frames is ${numberOfFrames}`, { file: fileName, expected: 'a positive integer' });
  }
  if (fragments.length === 0)
    throw badInput('encapsulated Pixel Data has no fragments', { file: fileName, expected: 'at least one fragment item' });
  if (numberOfFrames > fragments.length) {
    throw badInput(`${numberOfFrames} frames declared but the Pixel Data has only ${fragments.length} fragments`, {
      file: fileName,
      expected: 'at least one fragment per frame',
    });
  }
  if (numberOfFrames === 1) return [concat(fragments)];

  const byTable = framesByOffsetTable(data, numberOfFrames);
  if (byTable) return byTable;
  if (fragments.length === numberOfFrames) return fragments.slice();

  const frames: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < fragments.length; i++) {
    if (endsWithEoi(fragments[i]!) || i === fragments.length - 1) {
      frames.push(concat(fragments.slice(start, i + 1)));
      start = i + 1;
    }
  }
  if (frames.length !== numberOfFrames) {
    throw badInput(
      `cannot tell which of the ${fragments.length} fragments belong to which of the ${numberOfFrames} frames (no usable Basic Offset Table; ${frames.length} frames end with an EOI marker)`,
      { file: fileName, expected: 'a Basic Offset Table, one fragment per frame, or frames ending with 0xFFD9' },
    );
  }
  return frames;
}

function framesByOffsetTable(data: EncapsulatedPixelData, numberOfFrames: number): Uint8Array[] | undefined {
  const { fragments, fragmentOffsets, basicOffsetTable: table } = data;
  if (table.length !== numberOfFrames || fragmentOffsets.length !== fragments.length || table[0] !== 0) return undefined;
  const starts: number[] = [];
  let f = 0;
  for (const offset of table) {
    while (f < fragmentOffsets.length && fragmentOffsets[f]! < offset) f++;
    if (f >= fragmentOffsets.length || fragmentOffsets[f] !== offset) return undefined;
    if (starts.length > 0 && f <= starts[starts.length - 1]!) return undefined;
    starts.push(f);
  }
  return starts.map((s, i) => concat(fragments.slice(s, i + 1 < starts.length ? starts[i + 1] : fragments.length)));
}

function endsWithEoi(fragment: Uint8Array): boolean {
  // Fragments have even length, so an odd codestream carries one trailing pad byte (0x00, some writers 0xFF).
  for (let end = fragment.length; end >= 2 && end >= fragment.length - 1; end--) {
    if (fragment[end - 2] === 0xff && fragment[end - 1] === 0xd9) return true;
  }
  return false;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
