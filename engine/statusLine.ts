import type { RunEvent, RunEventHandler } from './events.ts';
import { lineProgress, type ProgressSink } from './progress.ts';
import { offset } from './reports/format.ts';

/**
 * The live status line on a terminal: one line, redrawn in place (`\r` + clear line) while the
 * run waits, giving the elapsed wall and AWS time, the running step(s), the health check's
 * state, the current DNS answer and the clients' recent error rate. Progress lines still print
 * as before; each clears the status line first and redraws it after. A wall-time interval only
 * redraws; every fact comes from the run's events. The CLI uses it only on a TTY without
 * `NO_COLOR` and without `--json`.
 */

/** What the status line knows, folded from the events. */
export interface StatusState {
  startWall?: number;
  startAws?: number;
  lastWall?: number;
  lastAws?: number;
  running: string[];
  faultOn: boolean;
  health?: string;
  dns?: string;
  /** The last client samples (true = ok), newest last. */
  samples: boolean[];
  /** Step types by id, to read the DNS answer of `awaitDnsTarget` steps when no `dns-answer` event comes. */
  types: Map<string, string>;
  dnsEvents: boolean;
  ended: boolean;
}

const RECENT_SAMPLES = 50;

/** The state before any event. */
export function newStatusState(): StatusState {
  return { running: [], faultOn: false, samples: [], types: new Map(), dnsEvents: false, ended: false };
}

/** Applies one event to the status state. */
export function foldStatus(state: StatusState, e: RunEvent): void {
  state.lastWall = e.wall;
  state.lastAws = e.aws;
  switch (e.kind) {
    case 'run-start':
      Object.assign(state, { startWall: e.wall, startAws: e.aws });
      break;
    case 'step-intent':
    case 'compensation-start':
      if (e.kind === 'step-intent') state.types.set(e.stepId, e.type);
      state.running.push(e.kind === 'step-intent' ? e.stepId : `undo ${e.stepId}`);
      break;
    case 'step-result':
    case 'compensation-result': {
      const i = state.running.indexOf(e.kind === 'step-result' ? e.stepId : `undo ${e.stepId}`);
      if (i >= 0) state.running.splice(i, 1);
      const answer =
        e.kind === 'step-result' && state.types.get(e.stepId) === 'awaitDnsTarget'
          ? (e.outputs as { answer?: unknown } | undefined)?.answer
          : undefined;
      if (typeof answer === 'string' && !state.dnsEvents) state.dns = answer;
      break;
    }
    case 'fault-start':
    case 'fault-stop':
      state.faultOn = e.kind === 'fault-start';
      break;
    case 'health-check-status':
      state.health = e.healthy ? 'healthy' : 'unhealthy';
      break;
    case 'dns-answer':
      state.dns = e.values.length ? e.values.join(', ') : e.status;
      state.dnsEvents = true;
      break;
    case 'client-request':
      state.samples.push(e.ok);
      if (state.samples.length > RECENT_SAMPLES) state.samples.shift();
      break;
    case 'run-end':
    case 'rollback-end':
      state.ended = true;
      break;
    default:
  }
}

/**
 * The status line's text at wall time `wall`. AWS time comes from `awsNow` when given (the
 * run's clock), else it is carried forward from the last event at the pace the events' own
 * stamps show (AWS ms per wall ms since the run started).
 */
export function statusText(state: StatusState, wall: number, awsNow?: () => number): string | undefined {
  if (state.startWall === undefined || state.startAws === undefined || state.ended) return undefined;
  const aws = awsNow ? awsNow() : (state.lastAws ?? state.startAws) + (wall - (state.lastWall ?? wall)) * pace(state);
  const parts = [
    `elapsed ${offset(wall - state.startWall)} wall, ${offset(aws - state.startAws)} AWS`,
    state.running.length ? state.running.join(', ') : 'between steps',
  ];
  if (state.faultOn) parts.push('fault ON');
  if (state.health) parts.push(`health check ${state.health}`);
  if (state.dns) parts.push(`DNS ${state.dns}`);
  if (state.samples.length)
    parts.push(`client errors ${((100 * state.samples.filter((ok) => !ok).length) / state.samples.length).toFixed(0)}%`);
  return parts.join(' · ');
}

/** AWS ms per wall ms as the events' stamps show it (1 until a second of wall time passed). */
function pace(state: StatusState): number {
  const wall = (state.lastWall ?? 0) - (state.startWall ?? 0);
  const aws = (state.lastAws ?? 0) - (state.startAws ?? 0);
  return wall >= 1000 && aws >= 0 ? aws / wall : 1;
}

/** A terminal stream the status line draws on. */
export interface StatusStream {
  write(text: string): unknown;
  columns?: number;
}

/** The progress sink for a terminal: plain progress lines plus the redrawn status line. */
export function ttyProgress(
  stream: StatusStream,
  options: { color?: boolean; verbose?: boolean; intervalMs?: number; awsNow?: () => number } = {},
): ProgressSink & { stop(): void } {
  const state: StatusState = newStatusState();
  const CLEAR = '\r\u001b[2K';
  let shown = false;
  const draw = () => {
    const text = statusText(state, Date.now(), options.awsNow);
    if (text === undefined) {
      if (shown) stream.write(CLEAR);
      shown = false;
      return;
    }
    const width = Math.max(20, (stream.columns || 100) - 1);
    stream.write(CLEAR + (text.length > width ? text.slice(0, width - 1) + '…' : text));
    shown = true;
  };
  const lines = lineProgress((line) => {
    stream.write((shown ? CLEAR : '') + line + '\n');
    shown = false;
  }, options);
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (shown) stream.write(CLEAR);
    shown = false;
  };
  const handler: RunEventHandler = (event) => {
    foldStatus(state, event);
    lines(event);
    if (state.ended) return stop();
    if (!timer && state.startWall !== undefined) {
      timer = setInterval(draw, options.intervalMs ?? 250);
      timer.unref();
    }
    draw();
  };
  return Object.assign(handler, { stop });
}
