// The Markdown written to bench/results-fuzz.md after a run: the command and seed to reproduce it,
// the counts per target, and each distinct failure with its kept input and stack.
import { relative } from 'node:path';
import type { CampaignResult } from './campaign';
import type { Bounds } from './supervisor';

export function renderFuzzReport(results: readonly CampaignResult[], command: string, bounds: Bounds, startedAt: Date): string {
  const lines: string[] = [
    '# Fuzz results (every parser: tables, manifests, ONNX metadata, DICOM, DICOMDIR, NIfTI, PNG, JPEG, WFDB, EDF/BDF, tokenizer.json)',
    '',
    `Run ${startedAt.toISOString()} with \`${command}\` (seed ${results[0]?.seed ?? '?'}; Node ${process.version}).`,
    `Bounds per input: ${bounds.timeoutMs} ms wall time, ${bounds.heapMiB} MiB V8 heap, ${bounds.rssMiB} MiB peak RSS (worker process).`,
    'An input passes when it ends in a valid result (a Table, manifest, ImageSet, SignalSet or tokenizer whose shapes match its data) or a MedSynthError; failures are uncaught non-MedSynthError',
    'exceptions, invalid results, timeouts (confirmed on a fresh worker with 2.5 times the bound; "slow once" counts inputs',
    'that passed only on that retry), worker crashes and runaway memory.',
    '',
    '| target | seconds | inputs | ok | typed errors | skipped | failures (inputs) | distinct failures | slow once |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const failed = r.inputs - (r.outcomes.ok ?? 0) - (r.outcomes.error ?? 0) - (r.outcomes.skipped ?? 0);
    lines.push(
      `| ${r.target} | ${r.seconds} | ${r.inputs} | ${r.outcomes.ok ?? 0} | ${r.outcomes.error ?? 0} | ${r.outcomes.skipped ?? 0} | ${failed} | ${r.failures.length} | ${r.slowOnce} |`,
    );
  }
  lines.push('', 'Typed error codes seen:', '');
  for (const r of results) {
    const codes = Object.entries(r.errorCodes)
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    lines.push(`- ${r.target}: ${codes || 'none'}`);
  }
  const failures = results.flatMap((r) => r.failures.map((f) => ({ target: r.target, f })));
  lines.push('', `## Failures (${failures.length} distinct)`, '');
  if (failures.length === 0) lines.push('None.');
  for (const { target, f } of failures) {
    lines.push(
      `### ${target}: ${f.kind} (${f.count} inputs)`,
      '',
      `- input: ${f.file !== undefined ? relative(process.cwd(), f.file) : '(not saved)'} (${f.bytes} bytes, from ${f.how})`,
      `- message: ${f.message.split('\n')[0].slice(0, 300)}`,
    );
    if (f.stack) lines.push('', '```', ...f.stack.split('\n').slice(0, 8), '```');
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
