import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitCopula } from '../../../src/core/generators/copula';
import { sampleCopula } from '../../../src/core/generators/copulaSampler';
import { copulaPostprocess } from '../../../src/core/generators/copulaLayout';
import { fillLatent } from '../../../src/core/generators/latent';
import { normalQuantile } from '../../../src/core/generators/normal';
import { decodeTableSample } from '../../../src/core/generators/tableDecoding';
import { COPULA_FIXTURES, MIXED_KINDS, ROOT, numericView, pearsonComplete, rankNormalScores, readCsvTable, spearmanComplete } from './copulaFixtures';
const ref = JSON.parse(readFileSync(join(COPULA_FIXTURES, 'reference.json'), 'utf8'));
for (const [key, path, kinds, discrete] of [['mixed', join(COPULA_FIXTURES, 'mixed_source.csv'), MIXED_KINDS, ['sex', 'diagnosis', 'smoker']], ['breastCancer', join(ROOT, 'test/fixtures/tables/breast_cancer.csv'), {}, ['target']]] as const) {
  const real = readCsvTable(path, kinds);
  const m = fitCopula(real);
  const d = m.order.length + m.missingOrder.length;
  const r = ref[key];
  for (let seed = 1; seed <= 4; seed++) {
    const synth = decodeTableSample(copulaPostprocess(m), sampleCopula(m, fillLatent(seed, 0, 20000, d, 'normal'), 20000), 20000, 0);
    const col = (n: string) => numericView(synth.columns.find((c) => c.name === n)!);
    const sc = r.modelled.map((n: string) => rankNormalScores(col(n), normalQuantile));
    let wc = 0, wd = 0, ws = 0, wsp = '';
    for (let i = 0; i < sc.length; i++) for (let j = 0; j < i; j++) {
      const diff = Math.abs(pearsonComplete(sc[i], sc[j]) - r.normalScoreCorrelation[i][j]);
      const di = (discrete as readonly string[]).includes(r.modelled[i]) || (discrete as readonly string[]).includes(r.modelled[j]);
      if (di) wd = Math.max(wd, diff); else wc = Math.max(wc, diff);
    }
    for (let i = 0; i < r.continuous.length; i++) for (let j = 0; j < i; j++) {
      const diff = Math.abs(spearmanComplete(col(r.continuous[i]), col(r.continuous[j])) - r.spearman[i][j]);
      if (diff > ws) { ws = diff; wsp = r.continuous[i] + '/' + r.continuous[j]; }
    }
    console.log(key, seed, 'ns cont', wc.toFixed(3), 'ns discrete', wd.toFixed(3), 'spearman', ws.toFixed(3), wsp);
  }
}
