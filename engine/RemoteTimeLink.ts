import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { ANSWER_SEQ_HEADER, AWS_NOW_HEADER, CLOCK_PATH } from '../emulator/clock.ts';
import { activityContext } from '../emulator/clock/activityContext.ts';
import type { IdleClock, RemoteTime } from '../emulator/clock/IdleClock.ts';

const links = new Set<RemoteTimeLink>();
let hooked = false;

/**
 * This process's session on the idle-skipping clock of an `engine serve --time-scale idle`
 * (docs/clock.md, "Across processes"). The engine runs its own IdleClock, which tracks its work
 * as on the embedded target; where that clock would jump, it parks the session instead, and the
 * emulator's clock moves once its own work waits too. Answers from the emulator carry the AWS
 * time they left at (the clock takes it) and their number in the session (a park names the
 * newest one seen, so the emulator never parks a session that still has an answer to work on).
 */
export class RemoteTimeLink implements RemoteTime {
  private seen = 0;
  private clock: IdleClock | undefined;

  private constructor(
    readonly session: string,
    /** AWS time when the session opened. */
    readonly openedAt: number,
    private readonly endpoint: URL,
    private readonly held: AbortController,
  ) {}

  /** Opens a session: an activity on the emulator's clock for as long as this process holds it. */
  static async open(endpoint: string): Promise<RemoteTimeLink> {
    const url = new URL(endpoint);
    const held = new AbortController();
    const answer = await outsideActivities(() => fetch(new URL(`${CLOCK_PATH}session`, url), { method: 'POST', signal: held.signal }));
    if (!answer.ok || !answer.body) throw new Error(`the emulator at ${endpoint} did not open a clock session: ${answer.status}`);
    const first = await firstLine(answer.body);
    hookAnswers();
    const link = new RemoteTimeLink(first.id, first.now, url, held);
    links.add(link);
    return link;
  }

  /** The clock that parks this session, and takes the AWS time the emulator's answers carry. */
  attach(clock: IdleClock): void {
    this.clock = clock;
  }

  async park(until: number | undefined): Promise<number> {
    const query = `session=${encodeURIComponent(this.session)}&seen=${this.seen}${until === undefined ? '' : `&until=${until}`}`;
    const answer = await outsideActivities(() => fetch(new URL(`${CLOCK_PATH}park?${query}`, this.endpoint), { method: 'POST' }));
    if (!answer.ok) throw new Error(`the emulator's clock refused a park: ${answer.status} ${await answer.text()}`);
    const { now, seq } = (await answer.json()) as { now: number; seq: number };
    this.saw(seq);
    return now;
  }

  unpark(): void {
    const query = `session=${encodeURIComponent(this.session)}`;
    void outsideActivities(() => fetch(new URL(`${CLOCK_PATH}unpark?${query}`, this.endpoint), { method: 'POST' })).then(
      (answer) => answer.body?.cancel(),
      () => undefined,
    );
  }

  isEmulator(origin: string): boolean {
    try {
      return new URL(origin).port === this.endpoint.port;
    } catch {
      return false;
    }
  }

  /** Ends the session (the run is over): the emulator's clock no longer waits for this process. */
  close(): void {
    links.delete(this);
    this.held.abort();
  }

  saw(seq: number): void {
    if (Number.isFinite(seq) && seq > this.seen) this.seen = seq;
  }

  answered(headers: (name: string) => string | undefined): void {
    const seq = headers(ANSWER_SEQ_HEADER);
    if (seq !== undefined) this.saw(Number(seq));
    const now = headers(AWS_NOW_HEADER);
    if (now !== undefined) this.clock?.observe(Number(now));
  }
}

/** The clock's own requests belong to no activity: they are not work of the run. */
function outsideActivities<T>(fn: () => Promise<T>): Promise<T> {
  return activityContext.exit(fn);
}

async function firstLine(body: ReadableStream<Uint8Array>): Promise<{ id: string; now: number }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the emulator's clock closed the session before naming it");
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return JSON.parse(text.slice(0, text.indexOf('\n'))) as { id: string; now: number };
}

/** Every answer from an emulator with a shared clock updates the links (fetch and node:http). */
function hookAnswers(): void {
  if (hooked) return;
  hooked = true;
  const answered = (headers: (name: string) => string | undefined) => {
    for (const link of links) link.answered(headers);
  };
  subscribe('undici:request:headers', (message) => {
    const raw = (message as { response?: { headers?: Buffer[] } }).response?.headers ?? [];
    const found = new Map<string, string>();
    for (let i = 0; i + 1 < raw.length; i += 2) found.set(raw[i]!.toString('latin1').toLowerCase(), raw[i + 1]!.toString('latin1'));
    answered((name) => found.get(name));
  });
  // At the response's headers, before the caller reads it (the 'finish' channel comes at its end).
  subscribe('http.client.request.start', (message) => {
    const request = (message as { request?: ClientRequest }).request;
    request?.once('response', (response: IncomingMessage) =>
      answered((name) => {
        const value = response.headers[name];
        return typeof value === 'string' ? value : undefined;
      }),
    );
  });
}
