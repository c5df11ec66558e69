// The frames the viewer holds, capped in bytes: when a new frame would pass the cap, the frames farthest
// from the one shown are dropped (they can be asked for again). Tracks which frames are on their way
// (asked for, or pushed by the host after init) so that none is asked for twice.
export class FrameStore {
  private readonly frames = new Map<string, Float32Array>();
  private bytes = 0;
  private readonly coming = new Set<string>();

  constructor(private readonly capBytes: number) {}

  private static key(volume: number, frame: number): string {
    return `${volume}:${frame}`;
  }

  get(volume: number, frame: number): Float32Array | undefined {
    return this.frames.get(FrameStore.key(volume, frame));
  }

  has(volume: number, frame: number): boolean {
    return this.frames.has(FrameStore.key(volume, frame));
  }

  isComing(volume: number, frame: number): boolean {
    return this.coming.has(FrameStore.key(volume, frame));
  }

  expect(volume: number, frame: number): void {
    this.coming.add(FrameStore.key(volume, frame));
  }

  forget(volume: number, frame: number): void {
    this.coming.delete(FrameStore.key(volume, frame));
  }

  /** Keeps a frame; drops the farthest from `shown` (same volume first to go: other volumes) until it fits. */
  put(volume: number, frame: number, data: Float32Array, shown: { readonly volume: number; readonly frame: number }): void {
    const key = FrameStore.key(volume, frame);
    this.coming.delete(key);
    const old = this.frames.get(key);
    if (old) this.bytes -= old.byteLength;
    this.frames.set(key, data);
    this.bytes += data.byteLength;
    while (this.bytes > this.capBytes && this.frames.size > 1) {
      let worst: string | undefined;
      let worstDistance = -1;
      for (const k of this.frames.keys()) {
        if (k === key || k === FrameStore.key(shown.volume, shown.frame)) continue;
        const [v, f] = k.split(':').map(Number);
        const distance = v !== shown.volume ? Number.MAX_SAFE_INTEGER : Math.abs(f - shown.frame);
        if (distance > worstDistance) {
          worst = k;
          worstDistance = distance;
        }
      }
      if (worst === undefined) break;
      this.bytes -= this.frames.get(worst)?.byteLength ?? 0;
      this.frames.delete(worst);
    }
  }

  /** Frames held and their bytes, for the status line and the tests. */
  get heldFrames(): number {
    return this.frames.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  clear(): void {
    this.frames.clear();
    this.coming.clear();
    this.bytes = 0;
  }
}
