// Every random number of diffusion sampling, keyed by (seed, sample index, stream) so that the value
// for sample i never depends on the batch it was computed in or on which shard ran it:
// - stream 0 is the initial noise x_T; stream k (1..sampleSteps) is the noise the k-th denoising step
//   adds (steps counted in sampling order, from 1);
// - a stream has its own 53-bit seed, derived from (seed, stream) by the murmur3 finalizer chained over
//   the seed's two words and the stream number, each xored in with its own constant (different from
//   the latent row key's, so a stream seed is unrelated to the rows of `seed` itself);
// - inside a stream, sample i's values are row i of the latent generator under the stream seed
//   (fillLatent's Box-Muller normals, one row of prod(shape) values per sample).
import { fillLatent, fmix32 } from '../latent';

const TWO_POW_32 = 4294967296;

/** The seed of one noise stream: 21 + 32 hashed bits, so always a safe integer. */
export function diffusionStreamSeed(seed: number, stream: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  if (!Number.isSafeInteger(stream) || stream < 0 || stream >= TWO_POW_32)
    throw new RangeError(`stream must be in 0..2^32-1, got ${stream}`);
  const seedLo = (seed % TWO_POW_32) >>> 0;
  const seedHi = Math.floor(seed / TWO_POW_32) >>> 0;
  let h = fmix32((seedLo ^ 0x5851f42d) >>> 0);
  h = fmix32((h ^ seedHi ^ 0x4c957f2d) >>> 0);
  h = fmix32((h ^ stream ^ 0x14057b7e) >>> 0);
  const hi = fmix32((h ^ 0x2545f491) >>> 0) >>> 11;
  const lo = fmix32((h ^ 0x6c078965) >>> 0);
  return hi * TWO_POW_32 + lo;
}

/** Standard normal noise of stream `stream` for samples firstSample..firstSample+count-1, row-major. */
export function diffusionNoise(seed: number, stream: number, firstSample: number, count: number, valuesPerSample: number): Float32Array {
  return fillLatent(diffusionStreamSeed(seed, stream), firstSample, count, valuesPerSample, 'normal');
}
