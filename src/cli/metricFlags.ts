// What `evaluate` and `run` let a user tell the privacy and utility metrics (core/metrics/metricOptions.ts):
// the quasi-identifiers an attacker knows, the secret column, the small-class threshold, the TSTR target
// and the bootstrap. Syntax is checked here; whether each column exists is checked against the real
// table once it is read (checkMetricOptions), so the message can list the real column names.
import type { MetricOptions } from '../core/metrics/metricOptions';
import { parseQuasiIdentifiers } from '../core/metrics/metricOptions';
import { integerOption } from './args';
import type { ParsedArgs } from './args';

export const METRIC_OPTIONS = {
  'quasi-identifiers': { type: 'string' },
  secret: { type: 'string' },
  k: { type: 'string' },
  target: { type: 'string' },
  bootstrap: { type: 'string' },
} as const;

export const METRIC_HELP =
  '  Privacy and utility: --quasi-identifiers age:10,sex,zip:3 names the columns an attacker knows (numbers in bins of\n' +
  '  10, text cut to 3 leading characters; plain names are exact) for singling out, linkability, inference and\n' +
  '  k-anonymity; --secret col the column to protect (inference, l-diversity); --k K the smallest acceptable class (5);\n' +
  "  --target col the column TSTR predicts; --bootstrap B resamples behind each score's 95% interval (200; 0 = none).\n";

/** The flags above as MetricOptions (undefined when none was given); `seed` seeds the attacks and the bootstrap. */
export function metricOptionsFrom(args: ParsedArgs, command: string, seed?: number): MetricOptions | undefined {
  const qi = args.strings.get('quasi-identifiers');
  const k = integerOption(args, command, 'k', 2);
  const bootstrap = integerOption(args, command, 'bootstrap', 0);
  const options: MetricOptions = {
    ...(qi !== undefined ? { quasiIdentifiers: parseQuasiIdentifiers(qi, `${command}: --quasi-identifiers`) } : {}),
    ...(args.strings.has('secret') ? { secret: args.strings.get('secret')?.trim() } : {}),
    ...(k !== undefined ? { k } : {}),
    ...(args.strings.has('target') ? { target: args.strings.get('target')?.trim() } : {}),
    ...(bootstrap !== undefined ? { bootstrap } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
  return Object.keys(options).length > 0 ? options : undefined;
}
