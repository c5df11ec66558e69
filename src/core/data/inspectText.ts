// The human-readable form of `medsynth inspect` and of VS Code's Inspect Dataset (the --json form is the description itself).

interface Range {
  min: number;
  max: number;
  missing: number;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : 'n/a';
}

function range(r: Range): string {
  return `${num(r.min)} .. ${num(r.max)}${r.missing > 0 ? `, ${r.missing} missing` : ''}`;
}

export function humanInspect(d: Record<string, unknown>): string {
  if (d.kind === 'generator') return `${String(d.path)}: ${String(d.modality)} generator\n${JSON.stringify(d.model, null, 2)}\n`;
  if (d.kind === 'tokenizer') return `${String(d.path)}: tokenizer, ${String(d.vocabSize)} tokens\n`;
  if (d.modality === 'image') {
    const images = d.images as {
      shape: number[];
      photometric: string;
      spacing?: { row: number; column: number; slice?: number };
      units?: string;
      values: Range;
    }[];
    const lines = images.map((im, i) => {
      const [frames, rows, cols, ch] = im.shape;
      const spacing = im.spacing
        ? `, spacing ${num(im.spacing.row)} x ${num(im.spacing.column)}${im.spacing.slice !== undefined ? ` x ${num(im.spacing.slice)}` : ''} mm`
        : '';
      return `  #${i + 1}  ${frames} frame(s) of ${rows} rows x ${cols} columns${ch > 1 ? ` x ${ch} channels` : ''}, ${im.photometric}${spacing}, values ${range(im.values)}${im.units ? ` ${im.units}` : ''}`;
    });
    return [`${String(d.path)}: ${String(d.format)} image set, ${images.length} image(s)`, ...lines, ''].join('\n');
  }
  if (d.modality === 'signal') {
    const records = d.records as {
      id: string;
      channels: { name: string; units: string; sampleRate: number; samples: number; values: Range }[];
      annotations: number;
    }[];
    const lines = records.flatMap((r) => [
      `  record ${r.id}: ${r.channels.length} channel(s), ${r.annotations} annotation(s)`,
      ...r.channels.map(
        (c) =>
          `    ${c.name.padEnd(16)} ${num(c.sampleRate).padStart(8)} Hz ${String(c.samples).padStart(10)} samples  ${range(c.values)} ${c.units}`,
      ),
    ]);
    return [`${String(d.path)}: ${String(d.format)} signals`, ...lines, ''].join('\n');
  }
  const cols = (d.columns as { name: string; kind: string; missing: number; format?: string; formatNote?: string }[]).map(
    (c) =>
      `  ${c.name.padEnd(28)} ${c.kind.padEnd(12)} missing ${c.missing}${c.format ? `  format ${c.format}${c.formatNote ? ` (${c.formatNote})` : ''}` : ''}`,
  );
  return [`${String(d.path)}: ${String(d.format)} table, ${String(d.rows)} rows × ${cols.length} columns`, ...cols, ''].join('\n');
}
