// Annotations of a DICOM waveform (PS3.3 C.10.9.1.2 Waveform Annotation Module): items of the
// Waveform Annotation Sequence (0040,B020) with Referenced Sample Positions become SignalAnnotations of
// the multiplex groups their Referenced Waveform Channels name; the rest are counted and the reasons
// said. Split from waveform.ts, which decodes the samples; the rules are listed at the top of that file.
import type { DataSet, Element } from 'dicom-parser';
import type { SignalAnnotation, SignalChannel } from '../signalSet';
import { readString } from './attributes';

const WF = {
  codeValue: 'x00080100',
  codingScheme: 'x00080102',
  codeMeaning: 'x00080104',
  annotations: 'x0040b020',
  unformattedText: 'x00700006',
  conceptName: 'x0040a043',
  conceptCode: 'x0040a168',
  numericValue: 'x0040a30a',
  measurementUnits: 'x004008ea',
  referencedChannels: 'x0040a0b0',
  temporalRangeType: 'x0040a130',
  samplePositions: 'x0040a132',
} as const;

/** Most SignalAnnotations one file yields (as for EDF+): a hostile position list cannot multiply past it. */
export const MAX_WAVEFORM_ANNOTATIONS = 1_000_000;
/** The longest label or code text kept from a header. */
export const MAX_LABEL = 200;

/** What annotations need of a decoded multiplex group. */
export interface AnnotatedGroup {
  readonly channels: readonly SignalChannel[];
  readonly samples: number;
  readonly frequency: number;
  readonly annotations: SignalAnnotation[];
}

export interface CodeItem {
  readonly value?: string;
  readonly scheme?: string;
  readonly meaning?: string;
}

/** The first item of a code sequence (Code Value, Coding Scheme Designator, Code Meaning). */
export function codeItem(ds: DataSet, tag: string): CodeItem | undefined {
  const item = ds.elements[tag]?.items?.[0]?.dataSet;
  if (!item) return undefined;
  const cut = (s: string | undefined): string | undefined => s?.slice(0, MAX_LABEL);
  return {
    value: cut(readString(item, WF.codeValue)),
    scheme: cut(readString(item, WF.codingScheme)),
    meaning: cut(readString(item, WF.codeMeaning)),
  };
}

/** 1-based multiplex group and channel pairs of Referenced Waveform Channels (0040,A0B0). */
function referencedChannels(ds: DataSet): [number, number][] {
  const el = ds.elements[WF.referencedChannels];
  if (!el || el.length < 4) return [];
  const n = Math.floor(el.length / 4);
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) out.push([ds.uint16(WF.referencedChannels, 2 * i) ?? 0, ds.uint16(WF.referencedChannels, 2 * i + 1) ?? 0]);
  return out;
}

function annotationLabel(ds: DataSet): string | undefined {
  const text = readString(ds, WF.unformattedText);
  if (text) return text.slice(0, MAX_LABEL);
  const name = codeItem(ds, WF.conceptName)?.meaning;
  const concept = codeItem(ds, WF.conceptCode)?.meaning;
  const numeric = readString(ds, WF.numericValue);
  const units = numeric ? codeItem(ds, WF.measurementUnits)?.value : undefined;
  const value = concept ?? (numeric ? `${numeric}${units ? ` ${units}` : ''}` : undefined);
  const label = name && value ? `${name}: ${value}` : (name ?? value);
  return label?.slice(0, MAX_LABEL);
}

/** (start, end) sample positions (1-based) of an annotation, or undefined when not a simple form. */
function intervals(rangeType: string, positions: number[]): [number, number][] | undefined {
  switch (rangeType) {
    case 'POINT':
      return positions.length === 1 ? [[positions[0], positions[0]]] : undefined;
    case 'MULTIPOINT':
      return positions.length >= 1 ? positions.map((p) => [p, p]) : undefined;
    case 'SEGMENT':
    case 'MULTISEGMENT': {
      if (positions.length < 2 || positions.length % 2 !== 0 || (rangeType === 'SEGMENT' && positions.length !== 2)) return undefined;
      const out: [number, number][] = [];
      for (let i = 0; i < positions.length; i += 2) {
        if (positions[i + 1] < positions[i]) return undefined;
        out.push([positions[i], positions[i + 1]]);
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** Places the simple annotations on their groups' records; returns how many were skipped, and why. */
export function assignAnnotations(root: DataSet, groups: readonly AnnotatedGroup[]): { count: number; note: string } {
  const items = root.elements[WF.annotations]?.items ?? [];
  let skipped = 0;
  let dropped = 0;
  let made = 0;
  const reasons = new Set<string>();
  const skip = (why: string): void => {
    skipped++;
    reasons.add(why);
  };
  for (const it of items) {
    const ds = it.dataSet;
    if (!ds) {
      skip('not a dataset');
      continue;
    }
    const posEl: Element | undefined = ds.elements[WF.samplePositions];
    if (!posEl || posEl.length < 4) {
      skip('no Referenced Sample Positions (measurements, interpretation text, time offsets)');
      continue;
    }
    const label = annotationLabel(ds);
    if (!label) {
      skip('no text or code meaning');
      continue;
    }
    const rangeType = (readString(ds, WF.temporalRangeType) ?? 'POINT').toUpperCase();
    const positions: number[] = [];
    for (let i = 0; i < Math.floor(posEl.length / 4); i++) positions.push(ds.uint32(WF.samplePositions, i) ?? 0);
    const spans = intervals(rangeType, positions);
    if (!spans) {
      skip(`Temporal Range Type ${rangeType.slice(0, 16)} with ${positions.length} positions`);
      continue;
    }
    // Targets: one per referenced group (channel undefined when 0 = all channels), else one per channel.
    const targets = new Map<number, Set<number | undefined>>();
    let bad = false;
    for (const [m, c] of referencedChannels(ds)) {
      const grp = groups[m - 1];
      if (m < 1 || !grp || c > grp.channels.length) {
        bad = true;
        break;
      }
      const set = targets.get(m - 1) ?? new Set<number | undefined>();
      set.add(c === 0 ? undefined : c - 1);
      targets.set(m - 1, set);
    }
    if (bad || targets.size === 0) {
      skip('Referenced Waveform Channels missing or naming no channel of the file');
      continue;
    }
    for (const [g, chans] of targets) {
      const grp = groups[g];
      if (spans.some(([a, b]) => a < 1 || b > grp.samples)) {
        skip('sample positions outside the multiplex group');
        continue;
      }
      const list = chans.has(undefined) ? [undefined] : [...chans];
      for (const ch of list) {
        for (const [a, b] of spans) {
          if (made >= MAX_WAVEFORM_ANNOTATIONS) {
            dropped++;
            continue;
          }
          grp.annotations.push({ onset: (a - 1) / grp.frequency, duration: (b - a) / grp.frequency, label, channel: ch });
          made++;
        }
        if (made >= MAX_WAVEFORM_ANNOTATIONS) break;
      }
    }
  }
  if (dropped > 0) {
    skipped += dropped;
    reasons.add(`more than ${MAX_WAVEFORM_ANNOTATIONS} annotations`);
  }
  for (const grp of groups) grp.annotations.sort((x, y) => x.onset - y.onset);
  return { count: skipped, note: [...reasons].join('; ').slice(0, 1000) };
}
