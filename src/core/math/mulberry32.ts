// The seeded stream the metrics draw from (detection's split, the attacks' targets, the density
// attack's split and caps, the DCR baseline's random rows): mulberry32, 32-bit state, uniform doubles in
// [0, 1) with 32 random bits. One definition, so every metric seeded with S draws the same stream.
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
