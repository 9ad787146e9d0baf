import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOCK_PATH } from '../clock.ts';
import type { IdleClock } from './IdleClock.ts';

/**
 * The idle-skipping clock shared with engines in other processes (`engine serve --time-scale
 * idle`; docs/clock.md, "Across processes"). Each engine runs an idle-skipping clock of its own
 * that tracks its own work exactly as the embedded engine does, and takes part here as one
 * activity, its **session**:
 *
 * - `POST /_fe/clock/session` opens the session: an activity that lives as long as the request
 *   (an engine that goes away, even by `kill -9`, ends it with its connection). Its first line
 *   is `{"id","now","seq"}`. The engine names the session in `x-fe-activity` on every request it
 *   sends, so each is a child of the session here.
 * - The session is **busy**, holding AWS time still, except while the engine has parked it:
 *   `POST /_fe/clock/park?session=ID&seen=N[&until=T]`, sent when everything in the engine waits
 *   (on its sleeps, or on requests to this emulator). The park waits until AWS time `T` (the
 *   engine's next timer; none: until woken) and answers `{"now","seq"}`.
 * - **Every answer to the engine wakes the session** (ends the park): the engine is about to work
 *   on it. An engine that starts work of its own while parked (a signal, a bound in wall time)
 *   wakes it with `POST /_fe/clock/unpark?session=ID`. Answers are numbered per session (`x-fe-answer-seq`); a park that has not seen the
 *   latest one (`seen` < the count) is answered at once, so a session is never parked while an
 *   answer is on its way to an engine that will work on it.
 *
 * AWS time therefore jumps only when the emulator's activities and every engine's work all wait.
 */

interface Session {
  /** Answers sent to this session's requests so far. */
  seq: number;
  /** Ends the pending park, if any. */
  wake?: () => void;
}

const sessions = new Map<string, Session>();

/** Answers a clock request. */
export function serveClockRoute(clock: IdleClock, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const route = url.pathname.slice(CLOCK_PATH.length);
  req.resume();
  if (req.method !== 'POST') answer(res, 405, { message: 'clock routes take POST' });
  else if (route === 'session') void holdSession(clock, res);
  else if (route === 'park') void park(clock, url.searchParams, res);
  else if (route === 'unpark') {
    sessions.get(url.searchParams.get('session') ?? '')?.wake?.();
    answer(res, 200, { now: clock.now() });
  } else answer(res, 404, { message: `no clock route ${route}` });
}

/**
 * Counts an answer to a request that names `activity`, and wakes its session when it is one;
 * returns the answer's number for the `x-fe-answer-seq` header (undefined: not a session).
 */
export function answeredSession(activity: string | undefined): number | undefined {
  const session = activity === undefined ? undefined : sessions.get(activity);
  if (!session) return undefined;
  session.seq++;
  session.wake?.();
  return session.seq;
}

/** The session: an activity for as long as the request lasts. */
async function holdSession(clock: IdleClock, res: ServerResponse): Promise<void> {
  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  let id: string | undefined;
  await clock.activity('engine session', async () => {
    id = clock.activityId()!;
    sessions.set(id, { seq: 0 });
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(`${JSON.stringify({ id, now: clock.now(), seq: 0 })}\n`);
    await closed;
  });
  if (id !== undefined) {
    sessions.get(id)?.wake?.();
    sessions.delete(id);
  }
}

/** Parks a session: a child activity that waits until `until`, or until an answer wakes it. */
async function park(clock: IdleClock, query: URLSearchParams, res: ServerResponse): Promise<void> {
  const id = query.get('session') ?? '';
  const session = sessions.get(id);
  if (!session) {
    answer(res, 404, { message: `no clock session ${id}` });
    return;
  }
  const seen = Number(query.get('seen'));
  const until = query.has('until') ? Number(query.get('until')) : undefined;
  if (!(seen >= session.seq) || session.wake) {
    answer(res, 200, { now: clock.now(), seq: session.seq });
    return;
  }
  const woken = new AbortController();
  session.wake = () => woken.abort();
  res.once('close', () => woken.abort());
  try {
    await clock.activity(
      'engine parked',
      async () => {
        const wait = until === undefined ? undefined : clock.sleep(Math.max(0, until - clock.now()), woken.signal);
        await (wait ?? clock.park(new Promise<void>((resolve) => woken.signal.addEventListener('abort', () => resolve()))));
      },
      id,
    );
  } catch {
    // Woken before `until`.
  } finally {
    session.wake = undefined;
  }
  answer(res, 200, { now: clock.now(), seq: session.seq });
}

function answer(res: ServerResponse, status: number, body: object): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
