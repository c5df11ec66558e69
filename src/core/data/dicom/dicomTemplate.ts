// The technical attributes a written DICOM file may take from a real source (or from a generator's
// manifest): a short allowlist of acquisition facts that describe how an image looks, never who or
// when (no names, ids, dates, times, institution, accession, device serials, UIDs, private tags).
// Every value is checked against a strict pattern, so a name smuggled into BodyPartExamined is refused
// (given explicitly: BAD_INPUT) or not copied (read from a source).
import { badInput } from '../../errors';
import type { DicomFile } from './dicomFile';

export const TEMPLATE_KEYWORDS = [
  'Modality',
  'BodyPartExamined',
  'KVP',
  'SliceThickness',
  'PixelSpacing',
  'SpacingBetweenSlices',
  'ConvolutionKernel',
  'MagneticFieldStrength',
  'RepetitionTime',
  'EchoTime',
  'FlipAngle',
] as const;

export type TemplateKeyword = (typeof TEMPLATE_KEYWORDS)[number];

/** Allowlisted technical attributes: code strings as text, decimals as numbers, PixelSpacing as [row, column]. */
export type DicomTemplate = Readonly<Partial<Record<TemplateKeyword, string | number | readonly number[]>>>;

type Kind = 'code' | 'kernel' | 'decimal' | 'pair';
const KINDS: Readonly<Record<TemplateKeyword, { kind: Kind; tag: string }>> = {
  Modality: { kind: 'code', tag: 'x00080060' },
  BodyPartExamined: { kind: 'code', tag: 'x00180015' },
  KVP: { kind: 'decimal', tag: 'x00180060' },
  SliceThickness: { kind: 'decimal', tag: 'x00180050' },
  PixelSpacing: { kind: 'pair', tag: 'x00280030' },
  SpacingBetweenSlices: { kind: 'decimal', tag: 'x00180088' },
  ConvolutionKernel: { kind: 'kernel', tag: 'x00181210' },
  MagneticFieldStrength: { kind: 'decimal', tag: 'x00180087' },
  RepetitionTime: { kind: 'decimal', tag: 'x00180080' },
  EchoTime: { kind: 'decimal', tag: 'x00180081' },
  FlipAngle: { kind: 'decimal', tag: 'x00181314' },
};
/** CS: upper-case letters, digits, space, underscore; at most 16. */
const CODE = /^[A-Z0-9 _]{1,16}$/;
/** A reconstruction kernel name (SH) such as 'B30f' or 'FC13-H': no spaces at the ends, no backslash. */
const KERNEL = /^[A-Za-z0-9_.+-][A-Za-z0-9 _.+-]{0,14}[A-Za-z0-9_.+-]?$/;

function valid(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'code':
      return typeof v === 'string' && CODE.test(v);
    case 'kernel':
      return typeof v === 'string' && KERNEL.test(v);
    case 'decimal':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0;
    case 'pair':
      return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0);
  }
}

/** Checks a template given by a caller: BAD_INPUT naming the first attribute that is not allowlisted or not valid. */
export function checkTemplate(template: DicomTemplate, file?: string): DicomTemplate {
  for (const [key, value] of Object.entries(template)) {
    if (!(TEMPLATE_KEYWORDS as readonly string[]).includes(key))
      throw badInput(`the DICOM template names '${key}', which is not a technical attribute MedSynth copies`, {
        file,
        expected: `one of ${TEMPLATE_KEYWORDS.join(', ')}`,
      });
    const { kind } = KINDS[key as TemplateKeyword];
    if (value !== undefined && !valid(kind, value))
      throw badInput(`the DICOM template's ${key} is ${JSON.stringify(value)}`, {
        file,
        expected:
          kind === 'code'
            ? 'a code string of upper-case letters, digits, spaces or underscores (at most 16)'
            : kind === 'kernel'
              ? 'a kernel name of letters, digits and . _ + - (at most 16)'
              : kind === 'pair'
                ? '[row spacing, column spacing], positive numbers'
                : 'a finite, non-negative number',
      });
  }
  return template;
}

/** The allowlisted attributes of a parsed source file whose values pass the checks; anything else is left behind. */
export function technicalTemplate(file: DicomFile): DicomTemplate {
  const ds = file.dataSet;
  const out: Partial<Record<TemplateKeyword, string | number | readonly number[]>> = {};
  for (const key of TEMPLATE_KEYWORDS) {
    const { kind, tag } = KINDS[key];
    if (!ds.elements[tag]) continue;
    let value: string | number | readonly number[] | undefined;
    if (kind === 'code' || kind === 'kernel') value = ds.string(tag)?.trim();
    else if (kind === 'decimal') value = ds.floatString(tag);
    else {
      const row = ds.floatString(tag, 0);
      const column = ds.floatString(tag, 1);
      value = row !== undefined && column !== undefined ? [row, column] : undefined;
    }
    if (value !== undefined && valid(kind, value)) out[key] = value;
  }
  return out;
}
