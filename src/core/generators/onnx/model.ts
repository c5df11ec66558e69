// Typed ONNX model structures and their protobuf encoding (onnx.proto3 field numbers). Only what our
// built-in generators need: float/int64 tensors with raw data, scalar and list attributes, opset 17.
import { ProtoWriter } from './protobuf';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

/** TensorProto.DataType values we emit or read. */
export const TensorType = { float: 1, int32: 6, int64: 7, bool: 9, double: 11 } as const;
export type TensorTypeName = keyof typeof TensorType;

export interface OnnxTensor {
  readonly name: string;
  readonly type: 'float' | 'int64';
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

export type OnnxAttribute =
  | { readonly name: string; readonly type: 'int'; readonly value: number }
  | { readonly name: string; readonly type: 'float'; readonly value: number }
  | { readonly name: string; readonly type: 'ints'; readonly value: readonly number[] };

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes?: readonly OnnxAttribute[];
}

export interface OnnxValueInfo {
  readonly name: string;
  readonly type: TensorTypeName;
  /** A string is a symbolic dimension (dim_param), a number a fixed one (dim_value). */
  readonly dims: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly graph: OnnxGraph;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

// AttributeProto.AttributeType values.
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function encodeTensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, TensorType[t.type]);
  w.string(8, t.name);
  // raw_data is little-endian; typed arrays on every platform Node runs on are little-endian too.
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return w;
}

function encodeAttribute(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  if (a.type === 'float') w.float(2, a.value).varint(20, ATTR_FLOAT);
  else if (a.type === 'int') w.varint(3, a.value).varint(20, ATTR_INT);
  else {
    for (const v of a.value) w.varint(8, v);
    w.varint(20, ATTR_INTS);
  }
  return w;
}

function encodeNode(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attributes ?? []) w.message(5, encodeAttribute(a));
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'string') dim.string(2, d);
    else dim.varint(1, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().varint(1, TensorType[v.type]).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, v.name).message(2, type);
}

function encodeGraph(g: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, encodeTensor(t));
  for (const i of g.inputs) w.message(11, encodeValueInfo(i));
  for (const o of g.outputs) w.message(12, encodeValueInfo(o));
  return w;
}

/** Serializes a ModelProto: ir_version 8, the default-domain opset 17, metadata_props in key order. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter().varint(1, ONNX_IR_VERSION).string(2, model.producerName).string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, encodeGraph(model.graph));
  w.message(8, new ProtoWriter().string(1, '').varint(2, ONNX_OPSET));
  for (const key of Object.keys(model.metadata ?? {}).sort()) {
    w.message(14, new ProtoWriter().string(1, key).string(2, (model.metadata ?? {})[key]));
  }
  return w.finish();
}
