/**
 * Lets real I/O (sockets to the emulator) finish while a ManualClock holds AWS time still:
 * yields macrotask turns until `done()` holds. No timer, no sleeping; gives up after a bound
 * on turns so a broken probe fails the test instead of hanging it.
 */
export async function settle(done: () => boolean, what: string, maxTurns = 200_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (done()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what}`);
}
