import { createScaledClock, ManualClock } from '../emulator/clock.ts';
import type { Clock } from './types.ts';

/**
 * The engine's clocks are the emulator's (one interface, emulator/clock.ts): on the embedded
 * target the engine runs on the emulator's own clock object; on an endpoint or AWS on a scaled
 * real clock at the target's advertised scale. `systemClock` is real time.
 */
export const systemClock: Clock = createScaledClock(1);

export { ManualClock };
