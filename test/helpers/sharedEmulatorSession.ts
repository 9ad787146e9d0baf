import type { Emulator } from '../../emulator/index.ts';
import { TargetKind, type TargetSession } from '../../engine/target.ts';
import { emulatorTarget } from './emulatorTarget.ts';

/**
 * A target session on an emulator the test owns and keeps after the run: the run works on the
 * emulator's own clock (on the idle-skipping clock, a drill costs its compute, not its AWS time),
 * `close()` leaves the emulator running, so the test can ask it afterwards, through the SDK,
 * what the run left behind. It describes itself as the endpoint it is, so the journal names it.
 */
export function sharedEmulatorSession(emu: Emulator): TargetSession {
  // The run's clock is the emulator's: DNS queries are then work on it (asWork), as on the
  // engine's own targets; without it the clock could jump while a query is in flight.
  const target = { ...emulatorTarget(emu, 'endpoint'), clock: emu.clock };
  return {
    kind: TargetKind.ENDPOINT,
    clock: emu.clock,
    acquire: async () => target,
    idle: () => target,
    describe: () => ({
      kind: TargetKind.ENDPOINT,
      endpoint: emu.endpoint,
      dns: `${emu.dns.host}:${emu.dns.port}`,
      timeScale: emu.timeScale,
      clock: emu.clock.describe(),
    }),
    close: async () => {},
    prepareClock: async () => {},
  };
}
