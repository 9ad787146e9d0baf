import type { RunEvent, RunEventHandler } from './events.ts';

/**
 * The progress printer: a handler of the run's events writing one plain line per event on
 * stderr (colour only on a TTY without NO_COLOR; transitions and debug logs only when verbose).
 */

/** Receives progress: any handler of the run's events. */
export type ProgressSink = RunEventHandler;

/** A sink that drops everything. */
export const silentProgress: ProgressSink = () => undefined;

/** Whether to colour output written to `stream`. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

interface Paint {
  green(t: string): string;
  red(t: string): string;
  yellow(t: string): string;
  dim(t: string): string;
}

/** A sink writing one line per event (transitions only when `verbose`). */
export function lineProgress(write: (line: string) => void, options: { color?: boolean; verbose?: boolean } = {}): ProgressSink {
  const paint = (code: number) => (text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const p: Paint = { green: paint(32), red: paint(31), yellow: paint(33), dim: paint(2) };
  return (event) => {
    const line = progressLine(event, p, Boolean(options.verbose));
    if (line !== undefined) write(line);
  };
}

/** The line an event prints, if any. */
function progressLine(event: RunEvent, { green, red, yellow, dim }: Paint, verbose: boolean): string | undefined {
  switch (event.kind) {
    case 'run-start':
      return `run ${event.runId}: ${event.workflow.name} (${event.steps?.length ?? '?'} steps, target ${event.target.kind})`;
    case 'step-intent':
      return `${dim('start')} ${event.stepId} (${event.type})`;
    case 'step-skipped':
      return `${dim('skip')} ${event.stepId} ${dim('0ms')}`;
    case 'step-result': {
      const label = event.status === 'succeeded' ? green('ok') : red(event.status === 'aborted' ? 'aborted' : 'FAIL');
      const detail = event.error ? `: ${event.error.message}` : '';
      const attempts = event.attempts > 1 ? `, ${event.attempts} attempts` : '';
      return `${label} ${event.stepId} ${dim(`${event.durationMs}ms${attempts}`)}${detail}`;
    }
    case 'step-retry':
      return `${yellow('retry')} ${event.stepId} attempt ${event.attempt} failed (${event.error.message}); next in ${event.delayMs}ms`;
    case 'compensation-start':
      return `${yellow('undo')} ${event.stepId} (${event.type})`;
    case 'compensation-result':
      return `${event.status === 'succeeded' ? green('undone') : red('UNDO FAILED')} ${event.stepId} ${dim(`${event.durationMs}ms`)}${event.error ? `: ${event.error.message}` : ''}`;
    case 'transition':
      return verbose ? dim(`transition ${JSON.stringify(event.from)} -> ${JSON.stringify(event.to)} (${event.event})`) : undefined;
    case 'notice':
      return yellow(event.message);
    case 'log':
      if (event.level === 'debug' && !verbose) return undefined;
      return `  ${dim(`[${event.stepId}]`)} ${event.level === 'error' ? red(event.message) : event.level === 'warn' ? yellow(event.message) : event.message}`;
    case 'run-end':
      return `${event.exitCode === 0 ? green(event.status) : red(event.status)} (exit ${event.exitCode}, ${event.durationMs ?? 0}ms)`;
    default:
      return undefined;
  }
}
