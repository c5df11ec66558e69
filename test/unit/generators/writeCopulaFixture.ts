// Writes test/fixtures/models/copula/model.onnx from mixed_source.csv, for the Python graph check:
//   node --import tsx test/unit/generators/writeCopulaFixture.ts && /usr/bin/python3 test/reference/models_copula.py graph
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitCopula } from '../../../src/core/generators/copula';
import { buildCopulaGenerator } from '../../../src/core/generators/copulaGraph';
import { COPULA_FIXTURES, MIXED_KINDS, readCsvTable } from './copulaFixtures';

const table = readCsvTable(join(COPULA_FIXTURES, 'mixed_source.csv'), MIXED_KINDS);
const { onnx } = buildCopulaGenerator(fitCopula(table), { trainedOn: 'mixed_source.csv' });
writeFileSync(join(COPULA_FIXTURES, 'model.onnx'), onnx);
console.log(`wrote model.onnx (${onnx.length} bytes)`);
