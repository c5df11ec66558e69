// The protobuf codec against the wire-format examples in the protobuf encoding guide, and the ONNX
// envelope reader against truncated and garbage input.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { MedSynthError } from '../../../src/core/errors';
import { encodeOnnxModel } from '../../../src/core/generators/onnx/model';
import { readOnnxModelInfo } from '../../../src/core/generators/onnx/modelInfo';
import { ProtoWriter, readProtoFields } from '../../../src/core/generators/onnx/protobuf';
import { ROOT } from './copulaFixtures';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('varints, strings, floats and negative int64 encode as the protobuf guide shows', () => {
  assert.equal(hex(new ProtoWriter().varint(1, 150).finish()), '089601');
  assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
  assert.equal(hex(new ProtoWriter().float(2, 1).finish()), '150000803f');
  assert.equal(hex(new ProtoWriter().varint(1, -1).finish()), '08ffffffffffffffffff01');
  assert.equal(hex(new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).finish()), '1a03089601');
  const fields = readProtoFields(Uint8Array.from(Buffer.from('089601120774657374696e67', 'hex')));
  assert.deepEqual(
    fields.map((f) => [f.field, f.wire]),
    [
      [1, 'varint'],
      [2, 'bytes'],
    ],
  );
  assert.equal(fields[0].value, 150n);
});

test('a hand-built Add model runs in onnxruntime and reads back', async () => {
  const onnx = encodeOnnxModel({
    producerName: 'test',
    producerVersion: '1',
    metadata: { note: 'ünïcode ✓' },
    graph: {
      name: 'add',
      nodes: [{ opType: 'Add', inputs: ['a', 'b'], outputs: ['c'], name: 'add0' }],
      initializers: [{ name: 'b', type: 'float', dims: [2], data: Float32Array.of(10, 20) }],
      inputs: [{ name: 'a', type: 'float', dims: ['N', 2] }],
      outputs: [{ name: 'c', type: 'float', dims: ['N', 2] }],
    },
  });
  const session = await ort.InferenceSession.create(onnx);
  const out = await session.run({ a: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [2, 2]) });
  assert.deepEqual(Array.from(out.c.data as Float32Array), [11, 22, 13, 24]);
  const info = readOnnxModelInfo(onnx);
  assert.deepEqual(info.metadata, { note: 'ünïcode ✓' });
  assert.deepEqual(info.inputs, [{ name: 'a', dims: ['N', 2], type: 'float32' }]);
  // onnxruntime reads the same element type from the file.
  assert.equal((session.inputMetadata[0] as { type?: string }).type, 'float32');
});

test('garbage, truncated and empty files are MODEL_INVALID naming the file', () => {
  const invalid = (e: unknown): boolean => e instanceof MedSynthError && e.code === 'MODEL_INVALID' && e.message.includes('x.onnx');
  const corrupt = readFileSync(join(ROOT, 'test', 'fixtures', 'models', 'bad', 'corrupt.onnx'));
  assert.throws(() => readOnnxModelInfo(corrupt, 'x.onnx'), invalid);
  const model = readFileSync(join(ROOT, 'test', 'fixtures', 'models', 'user-table', 'model.onnx'));
  assert.throws(() => readOnnxModelInfo(model.subarray(0, model.length - 100), 'x.onnx'), invalid);
  assert.throws(() => readOnnxModelInfo(new Uint8Array(0), 'x.onnx'), invalid);
  assert.throws(() => readOnnxModelInfo(new TextEncoder().encode('{"schema": "medsynth.generator/1"}'), 'x.onnx'), invalid);
});
