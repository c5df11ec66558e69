// What every built-in generator's ONNX file shares: initializer helpers, a node list builder with
// readable node names, and the model wrapping that stores the manifest in the model's metadata under
// MANIFEST_METADATA_KEY (so a single .onnx file is a complete generator).
import type { GeneratorManifest } from '../manifest';
import { encodeOnnxModel } from './model';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './model';

export const MANIFEST_METADATA_KEY = 'medsynth.json';

/** A float32 initializer. */
export const floats = (name: string, dims: readonly number[], data: ArrayLike<number>): OnnxTensor => ({
  name,
  type: 'float',
  dims,
  data: Float32Array.from(data),
});

/** A 1-D int64 initializer. */
export const int64s = (name: string, data: readonly number[]): OnnxTensor => ({
  name,
  type: 'int64',
  dims: [data.length],
  data: BigInt64Array.from(data, (v) => BigInt(v)),
});

/** A tiny node list builder: each op gets a readable unique name for error messages from the runtime. */
export class GraphNodes {
  readonly nodes: OnnxNode[] = [];
  op(opType: string, inputs: readonly string[], output: string, attributes?: OnnxNode['attributes']): string {
    this.nodes.push({ opType, inputs, outputs: [output], name: `${opType}_${this.nodes.length}`, ...(attributes ? { attributes } : {}) });
    return output;
  }
}

/** Encodes a built-in generator's graph with its manifest in the metadata; returns both. */
export function encodeGenerator(
  manifest: GeneratorManifest,
  docString: string,
  graph: OnnxGraph,
): { onnx: Uint8Array; manifest: GeneratorManifest } {
  const onnx = encodeOnnxModel({
    producerName: 'medsynth',
    producerVersion: '0.1.0',
    docString,
    metadata: { [MANIFEST_METADATA_KEY]: JSON.stringify(manifest) },
    graph,
  });
  return { onnx, manifest };
}
