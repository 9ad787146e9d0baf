import { suite, type Test } from 'uvu';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/index.ts';
import type { Target } from '../../engine/types.ts';
import { emulatorTarget } from './emulatorTarget.ts';

/** What every test of an {@link emulatorSuite} receives, besides its own fields. */
export interface EmulatorContext {
  /** The suite's emulator, started once before the first test. */
  emu: Emulator;
  /** A target on {@link emu}, as the engine's embedded target builds it. */
  target: Target;
}

export interface EmulatorSuiteOptions<Extra extends object> {
  /** How to start the emulator (a ManualClock, a time scale, ...). */
  emulator?: EmulatorOptions;
  /** Forget every resource before each test (default true). */
  reset?: boolean;
  /** The suite's own context fields, with their initial values. */
  context?: Partial<Extra>;
}

/**
 * A uvu suite with the emulator lifecycle: one emulator started (and a {@link Target} on it)
 * before the first test, every service reset before each test unless `reset: false`, the
 * emulator stopped after the last. These hooks are registered first, so the suite's own
 * `before`/`before.each` hooks run after them, with `ctx.emu` and `ctx.target` set; its own
 * `after` hooks run once the emulator has stopped.
 */
export function emulatorSuite<Extra extends object = Record<never, never>>(
  name: string,
  options: EmulatorSuiteOptions<Extra> = {},
): Test<EmulatorContext & Extra> {
  const test = suite<EmulatorContext & Extra>(name, { ...options.context } as EmulatorContext & Extra);
  test.before(async (ctx) => {
    ctx.emu = await startEmulator(options.emulator);
    ctx.target = emulatorTarget(ctx.emu);
  });
  if (options.reset !== false) {
    test.before.each(async (ctx) => {
      await ctx.emu.reset();
    });
  }
  test.after(async (ctx) => {
    await ctx.emu?.stop();
  });
  return test;
}
