'use strict';
/**
 * Worker-thread host for one region's dynalite (docs/fidelity/dynamodb.md, "How dynalite
 * runs"). Plain CommonJS on purpose: a worker does not inherit the tsx loader when the
 * emulator is started through `tsx/esm/api`, so this file must run on bare Node.
 *
 * Contract with `DynaliteHost.ts`: workerData `{ dynalitePath }`, the region in
 * `process.env.AWS_REGION` (dynalite puts it in its ARNs); posts
 * `{ type: 'listening', port }` once dynalite listens on 127.0.0.1, and
 * `{ type: 'fault', message }` for every exception dynalite lets escape.
 *
 * dynalite throws from event handlers (`req.on('error', err => { throw err })`, `if (err) throw
 * err` in its action callbacks), which in-process would kill the emulator. Here such an
 * exception stays in this thread: every request in flight is answered 500 InternalServerError
 * (the SDK retries those) and the worker keeps its tables.
 */
const { parentPort, workerData } = require('node:worker_threads');

const dynalite = require(workerData.dynalitePath);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

const inFlight = new Set();
const dynaliteHandlers = server.listeners('request');
server.removeAllListeners('request');
server.on('request', (req, res) => {
  inFlight.add(res);
  res.on('close', () => inFlight.delete(res));
  for (const handler of dynaliteHandlers) handler.call(server, req, res);
});
server.on('clientError', (_err, socket) => socket.destroy());

const INTERNAL_ERROR = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
  message: 'Internal server error',
});

process.on('uncaughtException', (err) => {
  for (const res of inFlight) {
    inFlight.delete(res);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      continue;
    }
    res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(INTERNAL_ERROR) });
    res.end(INTERNAL_ERROR);
  }
  parentPort.postMessage({ type: 'fault', message: String((err && err.stack) || err) });
});

server.listen(0, '127.0.0.1', () => {
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});
