// The table modality: CSV/TSV/Parquet/JSON Lines read into typed columns (core/data/table/), the
// built-in Gaussian copula, decoding of a generator's feature rows into columns, the table writers,
// the mixed-type distance space of DCR/NNDR and the table metrics and report. This file wires the
// existing table code into the modality seam (modality.ts); it adds no behaviour of its own.
import { MedSynthError, throwIfAborted } from '../../errors';
import { conformTable } from '../../data/table/conform';
import { describeTable } from '../../data/table/describe';
import { inferTableFormat } from '../../data/table/format';
import { dropUnusedCategories, splitTable } from '../../data/table/split';
import type { Table } from '../../data/table/table';
import { fitCopulaAsync } from '../../generators/copula';
import { buildCopulaGenerator } from '../../generators/copulaGraph';
import type { GeneratorManifest, TablePostprocess } from '../../generators/manifest';
import { checkMetricOptions } from '../../metrics/metricOptions';
import { evaluateTableMetrics, TABLE_METRICS } from '../../metrics/registry';
import { buildReport } from '../../report/build';
import { correlationMatricesYielding } from '../../report/correlationMatrix';
import type { BuiltInFitter, DatasetSize, ModalityDefinition } from '../modality';
import { tableGeneratorLines } from './tableGeneratorLines';
import { encodeTableSample } from './tableSample';

/** The value as a table; BAD_INPUT for anything else (the seam passes datasets untyped). */
export function asTable(dataset: unknown): Table {
  const t = dataset as Partial<Table> | undefined;
  if (!t || typeof t !== 'object' || !Array.isArray(t.columns) || typeof t.rowCount !== 'number')
    throw new MedSynthError('BAD_INPUT', 'expected a table');
  return t as Table;
}

/** The manifest's table postprocess block, checked: a table generator needs its columns and feature width. */
export function tablePostprocess(manifest: GeneratorManifest, source: string): TablePostprocess {
  const post = manifest.postprocess as Partial<TablePostprocess> | undefined;
  if (manifest.modality !== 'table')
    throw new MedSynthError('UNSUPPORTED', `only table generators can be run for now (modality '${manifest.modality}')`, { file: source });
  if (!post || !Array.isArray(post.columns) || typeof post.features !== 'number') {
    throw new MedSynthError('MANIFEST_INVALID', 'a table generator needs postprocess.columns and postprocess.features', { file: source });
  }
  return post as TablePostprocess;
}

const copulaFitter: BuiltInFitter = {
  id: 'copula',
  title: 'Gaussian copula',
  async fit(dataset, ctx) {
    const table = asTable(dataset);
    if (table.rowCount < 2)
      throw new MedSynthError('BAD_INPUT', `a copula needs at least 2 rows, the table has ${table.rowCount}`, { file: ctx.label });
    throwIfAborted(ctx.signal);
    ctx.onProgress?.(`fitting a Gaussian copula on ${table.rowCount} rows × ${table.columns.length} columns`);
    const model = await fitCopulaAsync(table, { signal: ctx.signal });
    return buildCopulaGenerator(model, {
      createdBy: 'medsynth fit --generator copula',
      trainedOn: ctx.trainedOn,
      trainingDataSha256: ctx.trainingDataSha256,
      createdAt: ctx.createdAt,
    });
  },
};

export const tableModality: ModalityDefinition = {
  id: 'table',
  noun: 'tables',
  datasetKinds: ['table'],
  // The table reader sniffs the delimiter of a file whose name says nothing (data.txt, a bare name).
  readsUnnamedFiles: true,
  summarise(dataset) {
    const table = asTable(dataset);
    const d = describeTable(table);
    const file = table.provenance?.file;
    return {
      modality: 'table',
      format: table.provenance?.format ?? (file !== undefined ? inferTableFormat(file) : undefined),
      bytes: table.provenance?.bytes,
      sha256: table.provenance?.sha256,
      shape: [d.rows, d.columns.length],
      rows: d.rows,
      columns: d.columns,
      // What the reader assumed or repaired (encoding, comment lines, padded rows, decimal commas).
      notes: table.provenance?.notes ?? [],
    };
  },
  preview: 'tablePreview',
  size(dataset): DatasetSize {
    const table = asTable(dataset);
    return { rows: table.rowCount, columns: table.columns.length };
  },
  withName(dataset, name, sha256) {
    const table = asTable(dataset);
    return { ...table, provenance: { ...table.provenance, file: name, ...(sha256 !== undefined ? { sha256 } : {}) } };
  },
  runFacts: (dataset) => ({ columns: asTable(dataset).columns.map((c) => ({ name: c.name, kind: c.kind })) }),
  // The parts keep the source's reader notes; the training part drops categories only the holdout has.
  split(dataset, opts) {
    const source = asTable(dataset);
    const parts = splitTable(source, opts);
    const notes = source.provenance?.notes;
    const noted = (t: Table): Table => (notes && notes.length > 0 ? { ...t, provenance: { notes } } : t);
    return { train: noted(dropUnusedCategories(parts.train)), holdout: noted(parts.holdout) };
  },
  fitters: [copulaFitter],
  sample: {
    check(manifest, source) {
      const post = tablePostprocess(manifest, source);
      return { spec: post, features: post.features, fields: post.columns.length };
    },
    encode(spec, blocks, opts) {
      return encodeTableSample(opts.out, spec as TablePostprocess, blocks, opts.firstRow, opts.signal, opts.chunkRows);
    },
  },
  describeOutput: tableGeneratorLines,
  outputs: {
    extensions: ['.csv', '.tsv', '.parquet', '.jsonl'],
    defaultFile: 'synthetic.csv',
    formatOf: inferTableFormat,
  },
  features: {
    description:
      'the columns of the distance space (core/metrics/distanceSpace.ts): range-scaled numbers and dates, categories and booleans as match/mismatch, missing cells handled; identifiers and free text left out',
  },
  evaluation: {
    metrics: TABLE_METRICS,
    conform: (dataset, real) => conformTable(asTable(dataset), asTable(real)),
    run: (input, ids, signal) => {
      const real = asTable(input.real);
      // A column the options name but the real table lacks is the user's mistake: BAD_USAGE listing the columns.
      checkMetricOptions(input.options, real);
      return evaluateTableMetrics(
        {
          real,
          synth: asTable(input.synth),
          holdout: input.holdout !== undefined ? asTable(input.holdout) : undefined,
          options: input.options,
        },
        ids,
        signal,
      );
    },
    checkOptions: (real, options) => checkMetricOptions(options, asTable(real)),
    report: async (input, results, opts) => {
      const real = asTable(input.real);
      const synth = asTable(input.synth);
      // The heatmaps are computed in time slices first, so a cancel lands there too.
      const correlations = (await correlationMatricesYielding(real, synth, opts.signal)) ?? null;
      return buildReport(real, synth, results, {
        holdout: input.holdout !== undefined ? asTable(input.holdout) : undefined,
        correlations,
        generator: opts.generator,
        runId: opts.runId,
        medsynthVersion: opts.medsynthVersion,
      });
    },
    // The parts of the report model (core/report/model.ts) that tables fill.
    reportSections: ['metrics', 'columns', 'dcrHistogram', 'correlations'],
  },
};
