'use strict';
/**
 * Tags a handler's requests to the emulator with the invocation they belong to: every request
 * to AWS_ENDPOINT_URL's host (hostname and port) made through `http.request`/`http.get`,
 * `https.request`/`https.get` or `globalThis.fetch` carries `x-fe-activity: <activityId>` while
 * an invocation with an activity id runs. Requests to any other host are left untouched.
 * Installed by bootstrap.cjs before the handler's module loads, so the AWS SDK v3 (whose Node
 * HTTP handler calls `http.request` through the module object) and `import`ed bindings
 * (refreshed by `syncBuiltinESMExports`) both see the patched functions.
 */
const http = require('node:http');
const https = require('node:https');
const { syncBuiltinESMExports } = require('node:module');

const HEADER = 'x-fe-activity';

function installActivityHeader(endpoint, activityId) {
  let host;
  try {
    host = new URL(endpoint).host;
  } catch {
    return;
  }
  for (const mod of [http, https]) {
    const original = mod.request;
    mod.request = function request(...args) {
      const req = original.apply(this, args);
      const id = activityId();
      if (id !== undefined && req.getHeader('host') === host && !req.headersSent) req.setHeader(HEADER, id);
      return req;
    };
    // Node's own `get` calls the module-internal `request` and ends the request at once, too
    // early to add a header: this one goes through the patched `request`.
    mod.get = function get(...args) {
      const req = mod.request(...args);
      req.end();
      return req;
    };
  }
  syncBuiltinESMExports();

  const originalFetch = globalThis.fetch;
  if (typeof originalFetch !== 'function') return;
  globalThis.fetch = function fetch(input, init) {
    const id = activityId();
    if (id === undefined) return originalFetch(input, init);
    let url;
    try {
      url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    } catch {
      return originalFetch(input, init);
    }
    if (url.host !== host) return originalFetch(input, init);
    let request;
    try {
      request = new Request(input, init);
    } catch {
      // e.g. a stream body without `duplex`: let fetch itself answer the caller's mistake.
      return originalFetch(input, init);
    }
    request.headers.set(HEADER, id);
    return originalFetch(request);
  };
}

module.exports = { installActivityHeader };
