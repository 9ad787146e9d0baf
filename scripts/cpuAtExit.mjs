// Preloaded (`node --import`) into each process `npm test` starts (scripts/test.mjs): at exit it
// writes one line `fe-cpu <ms>` to stderr, the CPU time of the process (all its threads) plus that
// of every child it waited for (Lambda sandboxes, spawned engines, the AWS CLI, and theirs), from
// /proc/self/stat. Elsewhere than Linux it writes nothing. Plain JavaScript: it loads before tsx.
import { readFileSync } from 'node:fs';

/** Linux's clock tick for /proc times (USER_HZ): 100 on every Linux the project runs on. */
const TICKS_PER_SECOND = 100;

process.on('exit', () => {
  let stat;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return;
  }
  // Fields after the command's closing parenthesis: utime, stime, cutime, cstime are the 12th to 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  if (Number.isFinite(ticks)) process.stderr.write(`fe-cpu ${Math.round((ticks * 1000) / TICKS_PER_SECOND)}\n`);
});
