// The embedding distance tiles of the image metrics as matrix products through ONNX Runtime: installs
// a TileProduct (core/metrics/image/featureNeighbours.ts) that sends each tile's two row blocks to the
// inference process (a GramRequest on the built-in float64 Gemm model; for the k-NN searches the model
// that also takes the distances and their TopK, so only k per row come back) for the length of one
// evaluation, so the products run on the execution provider the user chose; the core keeps the norms,
// the clamp and the exact recomputation, so results do not depend on where the products ran.
import { MedSynthError } from '../core/errors';
import { setTileProduct } from '../core/metrics/image/featureNeighbours';
import type { TileProduct } from '../core/metrics/image/featureNeighbours';
import type { ExecutionProviderName } from '../protocol/inference';
import type { InferenceClient } from './inferenceClient';

/**
 * Rows per side of one remote tile: 2048 × 2048 float64 products are 32 MiB back, against about 2 MB of
 * rows out at 64 features, so the cost of a call is spread over 4M products.
 */
export const REMOTE_TILE_ROWS = 2048;

export interface GramTiles {
  /** The provider the last tile ran on (undefined before the first). */
  readonly executionProvider: () => ExecutionProviderName | undefined;
  /** Puts the in-thread product back. */
  readonly uninstall: () => void;
}

/** Installs the ONNX Runtime tile product on `client` until `uninstall` is called (`tileRows`: tests use small tiles). */
export function installGramTiles(
  client: InferenceClient,
  executionProviders: readonly ExecutionProviderName[] = ['cpu'],
  tileRows = REMOTE_TILE_ROWS,
): GramTiles {
  let ran: ExecutionProviderName | undefined;
  const product: TileProduct = {
    tileRows,
    async product(a, ni, b, nj, dims, signal) {
      // Exact-length copies: a view would carry its whole buffer across the channel.
      const res = await client.gram(a.slice(0, ni * dims), ni, b.slice(0, nj * dims), nj, dims, { signal, executionProviders });
      ran = res.executionProvider;
      return res.product;
    },
    async nearest(a, ni, b, nj, dims, norms, k, signal) {
      const res = await client.gram(a.slice(0, ni * dims), ni, b.slice(0, nj * dims), nj, dims, {
        signal,
        executionProviders,
        nearest: { k, normsA: norms.a, normsB: norms.b },
      });
      ran = res.executionProvider;
      if (!res.indices) throw new MedSynthError('INFERENCE_CRASHED', 'inference: a nearest tile came back without indices');
      return { d2: res.product, indices: res.indices };
    },
  };
  setTileProduct(product);
  return {
    executionProvider: () => ran,
    uninstall: () => setTileProduct(null),
  };
}
