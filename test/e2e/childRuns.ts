import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'uvu';
import { tmp } from '../helpers/engine.ts';
import type { RunResult } from './drillJournal.ts';
import { Children, type EngineChild } from './leftovers.ts';

/** The engine processes of one test file, and what their runs leave on disk. */
export interface ChildRuns {
  children: Children;
  /** A fresh state dir for one run, removed after the suite. */
  stateDir(name: string): string;
  /** The run's `--json` report from its stdout, or an error quoting what it printed. */
  report(run: EngineChild): RunResult;
}

/** Engine children for `test`: every child killed and every state dir removed after the suite. */
export function childRuns(test: Test): ChildRuns {
  const children = new Children();
  const dirs: string[] = [];
  test.after(async () => {
    await children.killAll();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return {
    children,
    stateDir(name) {
      const dir = tmp(`run-${name}-`);
      dirs.push(dir);
      return join(dir, 'state');
    },
    report(run) {
      try {
        return JSON.parse(run.output.stdout) as RunResult;
      } catch {
        throw new Error(`no JSON report:\n${run.output.stdout}\n--- stderr ---\n${run.output.stderr.slice(-3000)}`);
      }
    },
  };
}
