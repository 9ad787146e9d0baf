'use strict';
/**
 * Bootstrap of one Lambda sandbox: a child process of the emulator that plays the Node.js runtime
 * interface client (aws/aws-lambda-nodejs-runtime-interface-client). Plain JavaScript, so it runs
 * without any TypeScript loader. Its process.env is exactly the Lambda environment the parent
 * built; the parent's own environment is not inherited.
 *
 * Protocol with the parent (Sandbox.ts): newline-delimited JSON over fd 3, a socket pair (not
 * Node's `ipc` channel, which would add NODE_CHANNEL_FD to this process's environment):
 *   parent → { type: 'invoke', id, payload, context, activityId? }    one at a time
 *   child  → { type: 'ready', initMs } | { type: 'initError', error } once, after loading the handler
 *   child  → { type: 'log', text }                                    console output, in order
 *   child  → { type: 'result', id, payload, memMb } | { type: 'error', id, error, memMb }
 *   child  → { type: 'crash', error }          uncaught exception / unhandled rejection
 * `error` is the runtime's rapid-response body {errorType, errorMessage, trace}. The parent kills
 * the process after a crash or a timeout; when the parent goes away (fd 3 ends), this exits.
 *
 * Outbound HTTP to the emulator (AWS_ENDPOINT_URL's host) carries `x-fe-activity: <activityId>`
 * of the running invocation, so the emulator can tie the calls a handler makes to the invocation.
 *
 * Differences from AWS's runtime: the answer goes back as soon as the handler's promise settles
 * or its callback is called (as with `callbackWaitsForEmptyEventLoop = false`); a non-async
 * handler that neither returns a promise nor calls the callback is answered at its timeout
 * (AWS answers `null` once its event loop is empty).
 */
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const util = require('node:util');
const { pathToFileURL } = require('node:url');
const { installActivityHeader } = require('./activityHeader.cjs');

const spec = JSON.parse(process.argv[2]);
let currentRequestId;
let currentId;
let currentActivityId;

const channel = new net.Socket({ fd: 3, readable: true, writable: true });
channel.setEncoding('utf8');
// The emulator went away: nothing can ask for or receive work any more.
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));

function send(message) {
  channel.write(`${JSON.stringify(message)}\n`);
}

function onLines(listener) {
  let buffered = '';
  channel.on('data', (chunk) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line) listener(JSON.parse(line));
      newline = buffered.indexOf('\n');
    }
  });
}

installActivityHeader(process.env.AWS_ENDPOINT_URL, () => currentActivityId);

// ---- logging: console.* as the Node runtime formats it, raw writes as they are ----------------

function logLine(level, args) {
  const text = util.format(...args);
  send({ type: 'log', text: `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${text}\n` });
}
console.log = (...args) => logLine('INFO', args);
console.info = (...args) => logLine('INFO', args);
console.warn = (...args) => logLine('WARN', args);
console.error = (...args) => logLine('ERROR', args);
console.debug = (...args) => logLine('DEBUG', args);
console.trace = (...args) => logLine('TRACE', args);
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    send({ type: 'log', text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (typeof cb === 'function') process.nextTick(cb);
    return true;
  };
}

// ---- errors: Errors.js toRapidResponse ---------------------------------------------------------

function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || (error && typeof error === 'object' && typeof error.stack === 'string')) {
      return {
        errorType: String(error.name),
        errorMessage: String(error.message),
        trace: String(error.stack).split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** A runtime error (`Runtime.ImportModuleError`, ...) whose message is its cause's `toString()`. */
function runtimeError(errorType, cause) {
  const message = typeof cause === 'string' ? cause : String(cause);
  const error = new Error(message);
  error.name = errorType;
  if (cause && typeof cause === 'object' && typeof cause.stack === 'string') {
    error.stack = `${errorType}: ${message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  } else {
    error.stack = `${errorType}: ${message}`;
  }
  return error;
}

// ---- loading the handler (UserFunction.js) -----------------------------------------------------

async function loadHandler() {
  const full = spec.handler;
  if (full.includes('..')) {
    throw runtimeError('Runtime.MalformedHandlerName', "'../' not allowed in handler name. Relative paths are not supported.");
  }
  const base = path.basename(full);
  const moduleRoot = full.slice(0, full.length - base.length);
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (!match) throw runtimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match;
  const stem = path.resolve(spec.taskRoot, moduleRoot, moduleName);

  let userModule;
  try {
    userModule = await importUserModule(stem, moduleName);
  } catch (err) {
    if (err instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', err);
    if (err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND')) {
      throw runtimeError('Runtime.ImportModuleError', err);
    }
    throw err;
  }

  let fn = userModule;
  for (const key of handlerPath.split('.')) fn = fn == null ? undefined : fn[key];
  if (fn === undefined || fn === null) throw runtimeError('Runtime.HandlerNotFound', `${full} is undefined or not exported`);
  if (typeof fn !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${full} is not a function`);
  return fn;
}

async function importUserModule(stem, moduleName) {
  if (fs.existsSync(`${stem}.js`)) {
    try {
      return require(`${stem}.js`);
    } catch (err) {
      // A .js file under `"type": "module"` is ESM.
      if (err && err.code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(`${stem}.js`).href);
      throw err;
    }
  }
  if (fs.existsSync(`${stem}.mjs`)) return import(pathToFileURL(`${stem}.mjs`).href);
  if (fs.existsSync(`${stem}.cjs`)) return require(`${stem}.cjs`);
  const err = new Error(`Cannot find module '${moduleName}'\nRequire stack:\n- ${__filename}`);
  err.code = 'MODULE_NOT_FOUND';
  throw err;
}

/** Resident memory, as AWS's "Max Memory Used" counts the whole process. */
function memMb() {
  return process.memoryUsage.rss() / 1048576;
}

// ---- invoking ----------------------------------------------------------------------------------

function runInvocation(handler, message) {
  const { id, context: c } = message;
  currentId = id;
  currentRequestId = c.awsRequestId;
  currentActivityId = message.activityId;
  let finished = false;
  const finish = (error, result) => {
    if (finished) return;
    finished = true;
    currentId = undefined;
    if (error !== undefined && error !== null) {
      const body = toRapidResponse(error);
      logLine('ERROR', [
        'Invoke Error \t' + JSON.stringify({ errorType: body.errorType, errorMessage: body.errorMessage, stack: body.trace }),
      ]);
      send({ type: 'error', id, error: body, memMb: memMb() });
      return;
    }
    let payload;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch (err) {
      send({ type: 'error', id, error: toRapidResponse(err), memMb: memMb() });
      return;
    }
    send({ type: 'result', id, payload: payload === undefined ? 'null' : payload, memMb: memMb() });
  };

  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.functionName,
    functionVersion: spec.functionVersion,
    invokedFunctionArn: c.invokedFunctionArn,
    memoryLimitInMB: String(spec.memoryLimitInMB),
    awsRequestId: c.awsRequestId,
    logGroupName: spec.logGroupName,
    logStreamName: spec.logStreamName,
    identity: undefined,
    clientContext: c.clientContext,
    getRemainingTimeInMillis: () => Math.max(0, c.deadline - Date.now()),
    // Legacy context methods, still honoured by the nodejs18.x–22.x runtimes.
    succeed: (result) => finish(null, result),
    fail: (error) => finish(error ?? 'handled'),
    done: (error, result) => finish(error, result),
  };

  let event;
  try {
    event = JSON.parse(message.payload);
  } catch (err) {
    finish(err);
    return;
  }
  try {
    const returned = handler(event, context, (error, result) => finish(error, result));
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (result) => finish(null, result),
        (error) => finish(error === undefined || error === null ? new Error(String(error)) : error),
      );
    }
  } catch (err) {
    finish(err);
  }
}

// A crash is reported against the invocation that is running, then the parent ends the worker.
process.on('uncaughtException', (err) => {
  logLine('ERROR', ['Uncaught Exception \t' + JSON.stringify(toRapidResponse(err))]);
  send({ type: 'crash', id: currentId, error: toRapidResponse(err) });
});
process.on('unhandledRejection', (reason) => {
  const error = runtimeError('Runtime.UnhandledPromiseRejection', reason && reason.toString ? reason.toString() : String(reason));
  if (reason && typeof reason === 'object' && typeof reason.stack === 'string')
    error.stack = `${error.name}: ${error.message}\n${reason.stack.split('\n').slice(1).join('\n')}`;
  logLine('ERROR', ['Unhandled Promise Rejection \t' + JSON.stringify(toRapidResponse(error))]);
  send({ type: 'crash', id: currentId, error: toRapidResponse(error) });
});

(async () => {
  const started = performance.now();
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    const body = toRapidResponse(err);
    logLine('ERROR', [JSON.stringify({ errorType: body.errorType, errorMessage: body.errorMessage, stack: body.trace })]);
    send({ type: 'initError', error: body });
    return;
  }
  onLines((message) => {
    if (message && message.type === 'invoke') runInvocation(handler, message);
  });
  send({ type: 'ready', initMs: performance.now() - started });
})();
