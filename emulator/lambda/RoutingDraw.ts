/**
 * The random draws that pick a version for an alias with `RoutingConfig.AdditionalVersionWeights`:
 * numbers in [0, 1). `Math.random` unless seeded, in which case a small deterministic generator
 * (mulberry32) makes a drill's traffic split repeatable run after run. One per emulator.
 */
export class RoutingDraw {
  private draw: () => number = Math.random;

  next(): number {
    return this.draw();
  }

  /** Makes the draws deterministic from `seed`; `undefined` goes back to `Math.random`. */
  seed(seed: number | undefined): void {
    if (seed === undefined) {
      this.draw = Math.random;
      return;
    }
    let state = seed >>> 0;
    this.draw = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
}
