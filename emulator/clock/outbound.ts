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

export function installOutboundTagging(): void {
  if (installed) return;
  installed = true;
  subscribe('undici:request:create', (message) => {
    const activity = activityContext.getStore();
    const request = (message as { request?: { addHeader?(name: string, value: string): void } }).request;
    if (activity && !activity.ended) request?.addHeader?.(ACTIVITY_HEADER, activity.id);
  });
  subscribe('http.client.request.start', (message) => {
    const activity = activityContext.getStore();
    const request = (message as { request?: ClientRequest }).request;
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
