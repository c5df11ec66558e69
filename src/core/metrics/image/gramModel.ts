// The ONNX graph behind the embedding distance tiles when they run through ONNX Runtime: one Gemm node,
// product[i, j] = Σ_k a[i, k] · b[j, k] (Y = A · Bᵀ, transB = 1), in float64 so that a tile's squared
// distances ‖a‖² + ‖b‖² − 2 a·b carry the same rounding bound as the in-thread product
// (featureNeighbours.ts: about dims · 2^-53 of the norms, far inside its 1e-12 recheck margin). Both
// dimensions and the feature count are symbolic, so one session serves every tile and every embedder.
// The engine sends the tiles to the inference process (src/inference/gramRunner.ts), where the session
// runs on the execution provider the user chose; this file only builds the bytes.
import { encodeOnnxModel } from '../../generators/onnx/model';

export const GRAM_INPUT_A = 'a';
export const GRAM_INPUT_B = 'b';
export const GRAM_OUTPUT = 'product';

let cached: Uint8Array | undefined;

/** The serialised model (built once per process). */
export function gramModelBytes(): Uint8Array {
  cached ??= encodeOnnxModel({
    producerName: 'medsynth',
    producerVersion: '1',
    docString: 'Embedding distance tiles: product = a · transpose(b), float64',
    graph: {
      name: 'gram',
      nodes: [
        {
          opType: 'Gemm',
          name: 'gram',
          inputs: [GRAM_INPUT_A, GRAM_INPUT_B],
          outputs: [GRAM_OUTPUT],
          attributes: [{ name: 'transB', type: 'int', value: 1 }],
        },
      ],
      initializers: [],
      inputs: [
        { name: GRAM_INPUT_A, type: 'double', dims: ['rowsA', 'dims'] },
        { name: GRAM_INPUT_B, type: 'double', dims: ['rowsB', 'dims'] },
      ],
      outputs: [{ name: GRAM_OUTPUT, type: 'double', dims: ['rowsA', 'rowsB'] }],
    },
  });
  return cached;
}

export const NEAREST_INPUT_NORMS_A = 'normsA';
export const NEAREST_INPUT_NORMS_B = 'normsB';
export const NEAREST_INPUT_K = 'k';
export const NEAREST_OUTPUT_D2 = 'd2';
export const NEAREST_OUTPUT_INDICES = 'indices';

let cachedNearest: Uint8Array | undefined;

/**
 * The tile search of nearestNeighbours: d2 = Relu((‖a‖² + ‖b‖²) − (a·b + a·b)), the same expression, in the
 * same order, as the in-thread tile (2·x and x + x are one rounding), then TopK(k, smallest, sorted) per
 * row. ONNX's TopK puts the lower index first among equal values, as the in-thread candidate scan does,
 * so a tile hands back the candidates the scan would have kept from it. normsA is [rowsA, 1], normsB
 * [1, rowsB], k an int64 [1] (at most rowsB).
 */
export function nearestModelBytes(): Uint8Array {
  cachedNearest ??= encodeOnnxModel({
    producerName: 'medsynth',
    producerVersion: '1',
    docString: 'Embedding k-NN tiles: the k smallest squared distances per row of a against b, float64',
    graph: {
      name: 'nearest',
      nodes: [
        {
          opType: 'Gemm',
          name: 'dot',
          inputs: [GRAM_INPUT_A, GRAM_INPUT_B],
          outputs: ['dot'],
          attributes: [{ name: 'transB', type: 'int', value: 1 }],
        },
        { opType: 'Add', name: 'norms', inputs: [NEAREST_INPUT_NORMS_A, NEAREST_INPUT_NORMS_B], outputs: ['norms'] },
        { opType: 'Add', name: 'twice', inputs: ['dot', 'dot'], outputs: ['twice'] },
        { opType: 'Sub', name: 'gram', inputs: ['norms', 'twice'], outputs: ['raw'] },
        { opType: 'Relu', name: 'clamp', inputs: ['raw'], outputs: ['squared'] },
        {
          opType: 'TopK',
          name: 'nearest',
          inputs: ['squared', NEAREST_INPUT_K],
          outputs: [NEAREST_OUTPUT_D2, NEAREST_OUTPUT_INDICES],
          attributes: [
            { name: 'axis', type: 'int', value: 1 },
            { name: 'largest', type: 'int', value: 0 },
            { name: 'sorted', type: 'int', value: 1 },
          ],
        },
      ],
      initializers: [],
      inputs: [
        { name: GRAM_INPUT_A, type: 'double', dims: ['rowsA', 'dims'] },
        { name: GRAM_INPUT_B, type: 'double', dims: ['rowsB', 'dims'] },
        { name: NEAREST_INPUT_NORMS_A, type: 'double', dims: ['rowsA', 1] },
        { name: NEAREST_INPUT_NORMS_B, type: 'double', dims: [1, 'rowsB'] },
        { name: NEAREST_INPUT_K, type: 'int64', dims: [1] },
      ],
      outputs: [
        { name: NEAREST_OUTPUT_D2, type: 'double', dims: ['rowsA', 'k'] },
        { name: NEAREST_OUTPUT_INDICES, type: 'int64', dims: ['rowsA', 'k'] },
      ],
    },
  });
  return cachedNearest;
}
