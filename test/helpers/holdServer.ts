import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server holds. */
export interface HeldRequest {
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * An HTTP server that holds every request until `releaseAll`, so a test can keep Lambda handlers
 * running (each fetches the server) for as long as it needs, and learn without sleeping that a
 * handler has started: `arrived(n)` resolves once n requests came.
 */
export interface HoldServer {
  url: string;
  held: HeldRequest[];
  arrived(count: number): Promise<void>;
  releaseAll(body?: string): void;
  close(): Promise<void>;
}

export async function startHoldServer(): Promise<HoldServer> {
  const held: HeldRequest[] = [];
  const waiting: ServerResponse[] = [];
  const watchers: { count: number; resolve(): void }[] = [];
  let released: string | undefined;
  const server = createServer((req, res) => {
    held.push({ url: req.url ?? '', headers: req.headers });
    if (released !== undefined) res.end(released);
    else waiting.push(res);
    for (const w of watchers.filter((w) => held.length >= w.count)) w.resolve();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    held,
    arrived: (count) => (held.length >= count ? Promise.resolve() : new Promise((resolve) => watchers.push({ count, resolve }))),
    releaseAll(body = 'go') {
      released = body;
      for (const res of waiting.splice(0)) res.end(body);
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
