import type { ErrorRecord } from './errors.ts';

/**
 * Progress events: one plain line each on stderr (colour only on a TTY without NO_COLOR).
 * The runner emits them; the journal is written separately.
 */
export type ProgressEvent =
  | { kind: 'run-start'; runId: string; workflow: string; steps: number; target: string }
  | { kind: 'step-start'; stepId: string; type: string }
  | { kind: 'step-end'; stepId: string; status: 'succeeded' | 'failed' | 'aborted' | 'skipped'; durationMs: number; attempts: number; error?: ErrorRecord }
  | { kind: 'step-retry'; stepId: string; attempt: number; delayMs: number; error: ErrorRecord }
  | { kind: 'compensation-start'; stepId: string; type: string }
  | { kind: 'compensation-end'; stepId: string; status: 'succeeded' | 'failed'; durationMs: number; error?: ErrorRecord }
  | { kind: 'transition'; from: unknown; to: unknown; event: string }
  | { kind: 'notice'; message: string }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; stepId: string; message: string; meta?: Record<string, unknown> }
  | { kind: 'run-end'; status: string; exitCode: number; durationMs: number };

/** Receives progress events. */
export type ProgressSink = (event: ProgressEvent) => void;

/** A sink that drops everything. */
export const silentProgress: ProgressSink = () => undefined;

/** Whether to colour output written to `stream`. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** A sink writing one line per event (transitions only when `verbose`). */
export function lineProgress(write: (line: string) => void, options: { color?: boolean; verbose?: boolean } = {}): ProgressSink {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const green = (t: string) => paint(32, t);
  const red = (t: string) => paint(31, t);
  const yellow = (t: string) => paint(33, t);
  const dim = (t: string) => paint(2, t);
  return (event) => {
    switch (event.kind) {
      case 'run-start':
        return write(`run ${event.runId}: ${event.workflow} (${event.steps} steps, target ${event.target})`);
      case 'step-start':
        return write(`${dim('start')} ${event.stepId} (${event.type})`);
      case 'step-end': {
        const label = event.status === 'succeeded' ? green('ok') : event.status === 'skipped' ? dim('skip') : red(event.status === 'aborted' ? 'aborted' : 'FAIL');
        const detail = event.error ? `: ${event.error.message}` : '';
        const attempts = event.attempts > 1 ? `, ${event.attempts} attempts` : '';
        return write(`${label} ${event.stepId} ${dim(`${event.durationMs}ms${attempts}`)}${detail}`);
      }
      case 'step-retry':
        return write(`${yellow('retry')} ${event.stepId} attempt ${event.attempt} failed (${event.error.message}); next in ${event.delayMs}ms`);
      case 'compensation-start':
        return write(`${yellow('undo')} ${event.stepId} (${event.type})`);
      case 'compensation-end':
        return write(`${event.status === 'succeeded' ? green('undone') : red('UNDO FAILED')} ${event.stepId} ${dim(`${event.durationMs}ms`)}${event.error ? `: ${event.error.message}` : ''}`);
      case 'transition':
        if (options.verbose) write(dim(`transition ${JSON.stringify(event.from)} -> ${JSON.stringify(event.to)} (${event.event})`));
        return;
      case 'notice':
        return write(yellow(event.message));
      case 'log':
        if (event.level === 'debug' && !options.verbose) return;
        return write(`  ${dim(`[${event.stepId}]`)} ${event.level === 'error' ? red(event.message) : event.level === 'warn' ? yellow(event.message) : event.message}`);
      case 'run-end':
        return write(`${event.exitCode === 0 ? green(event.status) : red(event.status)} (exit ${event.exitCode}, ${event.durationMs}ms)`);
    }
  };
}
