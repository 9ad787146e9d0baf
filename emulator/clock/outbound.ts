import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { ACTIVITY_HEADER } from '../clock.ts';
import { activityContext, type Activity } from './activityContext.ts';

/**
 * Cross-boundary causality for in-process callers. An HTTP request made inside an activity
 * (an SDK client of the engine, a health-check probe, `fetch` in a step) names that activity
 * to the gateway, which makes its own request activity a child of it: the caller then counts
 * as waiting, not busy, while the gateway sleeps on a latency fault.
 *
 * - `fetch` (undici): the request gets the `x-fe-activity` header.
 * - `node:http`: headers are already written when Node announces the request, so the caller's
 *   local port is recorded instead; the gateway looks its client's port up ({@link callerOf}).
 * Both hooks are process-wide, installed once, and do nothing outside an activity.
 */
const byLocalPort = new Map<number, Activity>();
let installed = false;

/** What the hooks need of an activity's clock (IdleClock; other clocks have no activities). */
interface TaggingClock {
  tagFor(activity: Activity, origin: string): string | undefined;
  outbound(activity: Activity, inFlight: boolean): void;
}
const clockOf = (activity: Activity) => activity.owner as Partial<TaggingClock>;
/** fetch requests to a remote clock's emulator, counted as their activity's children until they end. */
const pending = new WeakMap<object, Activity>();

/**
 * The hooks also serve a clock shared with `engine serve --time-scale idle` (IdleClock's remote
 * mode): there requests name this process's session, and a request in flight to the emulator
 * counts as a child of the activity that made it.
 */
export function installOutboundTagging(): void {
  if (installed) return;
  installed = true;
  subscribe('undici:request:create', (message) => {
    const activity = activityContext.getStore();
    const request = (message as { request?: { origin?: string; addHeader?(name: string, value: string): void } }).request;
    if (!activity || activity.ended || !request) return;
    const clock = clockOf(activity);
    const tag = clock.tagFor ? clock.tagFor(activity, String(request.origin ?? '')) : activity.id;
    if (tag === undefined) return;
    request.addHeader?.(ACTIVITY_HEADER, tag);
    if (tag !== activity.id) {
      pending.set(request, activity);
      clock.outbound?.(activity, true);
    }
  });
  const ended = (message: unknown) => {
    const request = (message as { request?: object }).request;
    const activity = request && pending.get(request);
    if (!request || !activity) return;
    pending.delete(request);
    clockOf(activity).outbound?.(activity, false);
  };
  subscribe('undici:request:trailers', ended);
  subscribe('undici:request:error', ended);
  subscribe('http.client.request.start', (message) => {
    const activity = activityContext.getStore();
    const request = (message as { request?: ClientRequest }).request;
    const clock = activity && !activity.ended ? clockOf(activity) : undefined;
    const tag = request?.getHeader(ACTIVITY_HEADER);
    if (activity && clock?.tagFor && request && tag !== undefined && tag !== activity.id) {
      // A remote clock's session, named by the caller itself (an SDK client, an HTTP step): the
      // request is in flight until it closes.
      if (tag === clock.tagFor(activity, `http://${String(request.getHeader('host') ?? request.host)}`)) {
        clock.outbound?.(activity, true);
        request.once('close', () => clock.outbound?.(activity, false));
      }
    }
    const port = request?.socket?.localPort;
    if (port === undefined) return;
    if (activity && !activity.ended) byLocalPort.set(port, activity);
    else byLocalPort.delete(port);
  });
}

/** The activity id of the in-process caller whose socket has `remotePort` as its local port. */
export function callerOf(remotePort: number | undefined): string | undefined {
  if (remotePort === undefined) return undefined;
  const activity = byLocalPort.get(remotePort);
  return activity && !activity.ended ? activity.id : undefined;
}
