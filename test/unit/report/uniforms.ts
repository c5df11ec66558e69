// A seeded random stream for the verdict tests' simulated tables, independent of the code under test.

/** A seeded xorshift32 stream of uniforms in (0, 1). */
export function uniforms(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x + 0.5) / 4294967296;
  };
}
