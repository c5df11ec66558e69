// The metric registry: descriptors are complete, unknown ids are refused before anything runs, a
// failing metric becomes an error field, one that does not apply says so, and cancellation propagates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedSynthError } from '../../../src/core/errors';
import { evaluateTableMetrics, getTableMetric, TABLE_METRICS } from '../../../src/core/metrics/registry';
import { categoricalTable, numericTable } from './csvTable';

describe('table metric registry', () => {
  it('lists every table metric with a complete descriptor', () => {
    assert.deepEqual(
      TABLE_METRICS.map((m) => m.id),
      [
        'fidelity.ksComplement',
        'fidelity.tvComplement',
        'fidelity.missingValueSimilarity',
        'fidelity.correlationSimilarity',
        'fidelity.contingencySimilarity',
        'fidelity.detection',
        'fidelity.alphaPrecision',
        'fidelity.betaRecall',
        'fidelity.prdc',
        'fidelity.mmd',
        'privacy.exactCopies',
        'privacy.identifierCopies',
        'privacy.dcr',
        'privacy.nndr',
        'privacy.membershipInference',
        'privacy.identifiability',
        'privacy.authenticity',
        'privacy.membershipDensity',
        'privacy.dcrBaselineProtection',
        'privacy.dcrOverfittingProtection',
        'privacy.singlingOut',
        'privacy.linkability',
        'privacy.inference',
        'privacy.attributeInference',
        'privacy.kAnonymity',
        'privacy.lDiversity',
        'utility.tstr',
      ],
    );
    for (const m of TABLE_METRICS) {
      assert.equal(m.modality, 'table');
      assert.ok(m.title.length > 0 && m.doc.length > 40 && m.reference.length > 0, m.id);
      assert.ok(m.range[0] < m.range[1], m.id);
      assert.ok(m.goal === 'maximize' || m.goal === 'minimize');
      assert.equal(getTableMetric(m.id), m);
    }
    assert.equal(getTableMetric('fidelity.nope'), undefined);
  });

  it('throws BAD_USAGE for an unknown id before running any metric', async () => {
    const real = numericTable({ a: [1, 2] });
    await assert.rejects(
      evaluateTableMetrics({ real, synth: real }, ['fidelity.ksComplement', 'fidelity.bogus']),
      (e: unknown) => e instanceof MedSynthError && e.code === 'BAD_USAGE' && /fidelity\.bogus/.test(e.message),
    );
  });

  it('reports a metric without columns of its kind as notApplicable, not as an error', async () => {
    const real = numericTable({ a: [1, 2, 3], b: [3, 1, 2] });
    const results = await evaluateTableMetrics({ real, synth: real });
    assert.equal(results.length, TABLE_METRICS.length);
    for (const [id, why] of [
      ['fidelity.tvComplement', /categorical/],
      ['fidelity.contingencySimilarity', /categorical/],
      ['privacy.identifierCopies', /identifier/],
    ] as const) {
      const r = results.find((x) => x.id === id);
      assert.equal(r?.score, null, id);
      assert.equal(r?.error, undefined, id);
      assert.match(r?.notApplicable ?? '', why, id);
    }
    assert.equal(results.find((r) => r.id === 'fidelity.ksComplement')?.score, 1);
    assert.equal(results.find((r) => r.id === 'privacy.exactCopies')?.score, 1);
    assert.ok(results.every((r) => r.error === undefined));
  });

  it('turns a failing metric into { score: null, error } and still runs the rest', async () => {
    // Constant columns: no correlation is defined, a real failure; the other metrics still run.
    const real = numericTable({ a: [1, 1, 1], b: [2, 2, 2] });
    const results = await evaluateTableMetrics({ real, synth: real });
    assert.equal(results.length, TABLE_METRICS.length);
    const corr = results.find((r) => r.id === 'fidelity.correlationSimilarity');
    assert.equal(corr?.score, null);
    assert.equal(corr?.notApplicable, undefined);
    assert.match(corr?.error ?? '', /no pair/);
    assert.equal(results.find((r) => r.id === 'fidelity.ksComplement')?.score, 1);
  });

  it('gives every metric an error field for an empty synthetic table', async () => {
    const real = categoricalTable({ c: ['a'] });
    const results = await evaluateTableMetrics({ real, synth: categoricalTable({ c: [] }) });
    for (const r of results) {
      assert.equal(r.score, null, r.id);
      assert.ok(r.error && r.error.length > 0, r.id);
    }
  });

  it('throws CANCELLED when the signal is already aborted', async () => {
    const real = numericTable({ a: [1, 2] });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      evaluateTableMetrics({ real, synth: real }, undefined, controller.signal),
      (e: unknown) => e instanceof MedSynthError && e.code === 'CANCELLED',
    );
  });
});
