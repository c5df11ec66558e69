// The preview's type picker writes medsynth.columns through these pure updates: checked against
// hand-written settings objects, including entries the code must leave exactly as the user wrote them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearedNotice, previewOnlyNotice, savedNotice, withColumnKind, withoutTable } from '../../../src/core/preview/columnOverrides';

describe('medsynth.columns updates from the preview', () => {
  it('adds a column kind to a fresh setting, to an existing table entry, and replaces a kind', () => {
    assert.deepEqual(withColumnKind(undefined, 'data/p.csv', 'patient_id', 'identifier'), { 'data/p.csv': { patient_id: 'identifier' } });
    const current = { 'data/p.csv': { age: 'numeric' }, '*': { mrn: 'identifier' } };
    assert.deepEqual(withColumnKind(current, 'data/p.csv', 'sex', 'categorical'), {
      'data/p.csv': { age: 'numeric', sex: 'categorical' },
      '*': { mrn: 'identifier' },
    });
    assert.deepEqual(withColumnKind(current, 'data/p.csv', 'age', 'categorical'), {
      'data/p.csv': { age: 'categorical' },
      '*': { mrn: 'identifier' },
    });
    assert.deepEqual(current, { 'data/p.csv': { age: 'numeric' }, '*': { mrn: 'identifier' } }, 'the input is not modified');
  });

  it('keeps entries it does not understand, and replaces a malformed entry of its own table', () => {
    const odd = { 'other.csv': 'not an object', 'x.csv': { a: 'weird' } };
    assert.deepEqual(withColumnKind(odd, 'x.csv', 'b', 'text'), { 'other.csv': 'not an object', 'x.csv': { a: 'weird', b: 'text' } });
    assert.deepEqual(withColumnKind({ 'x.csv': ['a'] }, 'x.csv', 'b', 'text'), { 'x.csv': { b: 'text' } });
    assert.deepEqual(withColumnKind([1, 2], 'x.csv', 'b', 'text'), { 'x.csv': { b: 'text' } });
  });

  it('removes a table entry, and the whole setting when nothing is left', () => {
    assert.deepEqual(withoutTable({ 'a.csv': { x: 'text' }, 'b.csv': { y: 'numeric' } }, 'a.csv'), { 'b.csv': { y: 'numeric' } });
    assert.equal(withoutTable({ 'a.csv': { x: 'text' } }, 'a.csv'), undefined);
    assert.equal(withoutTable(undefined, 'a.csv'), undefined);
  });

  it('says where a type went and who reads it', () => {
    assert.equal(
      savedNotice('data/p.csv', 'sex', 'text'),
      'Saved "sex" as text for data/p.csv in medsynth.columns (workspace folder settings). Fit and Run use these types.',
    );
    assert.match(clearedNotice('data/p.csv'), /Fit and Run infer its types again/);
    assert.match(previewOnlyNotice('sex', 'text'), /this preview only/);
  });
});
