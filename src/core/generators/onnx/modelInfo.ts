// Reads what we need from an ONNX file without a runtime: metadata_props (where a single-file
// generator carries its manifest) and the graph's input/output signature (to check a manifest
// against its model before the inference process ever loads it).
import { MedSynthError } from '../../errors';
import { decodeUtf8, readProtoFields } from './protobuf';
import type { ProtoField } from './protobuf';

export interface OnnxTensorSignature {
  readonly name: string;
  /** Numbers are fixed dimensions, strings symbolic ones; -1 where the model leaves it unnamed. */
  readonly dims: readonly (number | string)[];
  /** The tensor's element type as onnxruntime names it ('float32', 'int64', ...), when declared. */
  readonly type?: string;
}

// ONNX TensorProto.DataType, named as onnxruntime names them (what `medsynth inspect` prints).
export const ONNX_ELEMENT_TYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

export interface OnnxModelInfo {
  readonly irVersion: number;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly inputs: readonly OnnxTensorSignature[];
  readonly outputs: readonly OnnxTensorSignature[];
}

function bytesOf(f: ProtoField, source: string): Uint8Array {
  if (f.wire !== 'bytes')
    throw new MedSynthError('MODEL_INVALID', `not a valid ONNX protobuf: field ${f.field} has the wrong wire type`, { file: source });
  return f.value;
}

function readValueInfo(bytes: Uint8Array, source: string): OnnxTensorSignature {
  let name = '';
  let type: string | undefined;
  const dims: (number | string)[] = [];
  for (const f of readProtoFields(bytes, source)) {
    if (f.field === 1) name = decodeUtf8(bytesOf(f, source), source);
    if (f.field !== 2) continue;
    for (const tf of readProtoFields(bytesOf(f, source), source)) {
      if (tf.field !== 1) continue; // Only tensor types carry a shape we can check.
      for (const sf of readProtoFields(bytesOf(tf, source), source)) {
        if (sf.field === 1 && sf.wire === 'varint') type = ONNX_ELEMENT_TYPES[Number(sf.value)] ?? `type ${Number(sf.value)}`;
        if (sf.field !== 2) continue;
        for (const df of readProtoFields(bytesOf(sf, source), source)) {
          if (df.field !== 1) continue;
          let dim: number | string = -1;
          for (const d of readProtoFields(bytesOf(df, source), source)) {
            if (d.field === 1 && d.wire === 'varint') dim = Number(BigInt.asIntN(64, d.value));
            if (d.field === 2) dim = decodeUtf8(bytesOf(d, source), source);
          }
          dims.push(dim);
        }
      }
    }
  }
  return { name, dims, ...(type !== undefined ? { type } : {}) };
}

/**
 * Parses the ModelProto envelope. Garbage bytes, truncation or a model without a graph become
 * MODEL_INVALID naming `source`; initializers that older exporters also list as inputs are dropped.
 */
export function readOnnxModelInfo(bytes: Uint8Array, source = 'model.onnx'): OnnxModelInfo {
  let irVersion = 0;
  let graph: Uint8Array | undefined;
  const opsets: { domain: string; version: number }[] = [];
  const metadata: Record<string, string> = {};
  for (const f of readProtoFields(bytes, source)) {
    if (f.field === 1 && f.wire === 'varint') irVersion = Number(f.value);
    else if (f.field === 7) graph = bytesOf(f, source);
    else if (f.field === 8) {
      let domain = '';
      let version = 0;
      for (const o of readProtoFields(bytesOf(f, source), source)) {
        if (o.field === 1) domain = decodeUtf8(bytesOf(o, source), source);
        if (o.field === 2 && o.wire === 'varint') version = Number(o.value);
      }
      opsets.push({ domain, version });
    } else if (f.field === 14) {
      let key = '';
      let value = '';
      for (const e of readProtoFields(bytesOf(f, source), source)) {
        if (e.field === 1) key = decodeUtf8(bytesOf(e, source), source);
        if (e.field === 2) value = decodeUtf8(bytesOf(e, source), source);
      }
      metadata[key] = value;
    }
  }
  if (irVersion <= 0 || graph === undefined) {
    throw new MedSynthError('MODEL_INVALID', 'not a valid ONNX model: no ir_version or no graph', {
      file: source,
      expected: 'an ONNX ModelProto',
    });
  }
  const inputs: OnnxTensorSignature[] = [];
  const outputs: OnnxTensorSignature[] = [];
  const initializerNames = new Set<string>();
  for (const f of readProtoFields(graph, source)) {
    if (f.field === 11) inputs.push(readValueInfo(bytesOf(f, source), source));
    else if (f.field === 12) outputs.push(readValueInfo(bytesOf(f, source), source));
    else if (f.field === 5) {
      for (const t of readProtoFields(bytesOf(f, source), source)) {
        if (t.field === 8) initializerNames.add(decodeUtf8(bytesOf(t, source), source));
      }
    }
  }
  if (outputs.length === 0) throw new MedSynthError('MODEL_INVALID', 'not a valid ONNX model: the graph has no outputs', { file: source });
  return { irVersion, opsets, metadata, inputs: inputs.filter((i) => !initializerNames.has(i.name)), outputs };
}
