/**
 * The random draw that picks a version for an alias with `RoutingConfig.AdditionalVersionWeights`:
 * a number in [0, 1). `Math.random` unless a seed was set, in which case a small deterministic
 * generator (mulberry32) makes a drill's traffic split repeatable run after run.
 */
let draw: () => number = Math.random;

export function routingDraw(): number {
  return draw();
}

/** Makes the draws deterministic from `seed`; `undefined` goes back to `Math.random`. */
export function seedRoutingDraw(seed: number | undefined): void {
  if (seed === undefined) {
    draw = Math.random;
    return;
  }
  let state = seed >>> 0;
  draw = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
