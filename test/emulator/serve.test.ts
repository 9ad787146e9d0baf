import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import { ListExperimentTemplatesCommand } from '@aws-sdk/client-fis';
import { bindErrorMessage } from '../../emulator/serve.ts';
import { runCli } from '../helpers/engine.ts';
import { fisClient } from '../helpers/clients.ts';

/**
 * `engine serve` as a user runs it: a child process that prints a machine-readable ready
 * line, logs each request, stops cleanly on SIGINT/SIGTERM (exit 0), and answers an
 * unbindable port with one line naming the flag to change (exit 2, no stack trace).
 */

const test = suite('emulator/serve');
const READY = /emulator ready: (http:\/\/127\.0\.0\.1:(\d+)) dns 127\.0\.0\.1:(\d+) time-scale (\S+) services (\S*)/;

interface Served {
  child: ChildProcess;
  stderr: () => string;
  /** The child's stdout: serve writes nothing there; the harness writes DRAINED. */
  stdout: () => string;
  exit: Promise<number | null>;
}

/**
 * Printed (on stdout) by the child's 'beforeExit', which Node emits only when the event loop
 * has emptied by itself, never on `process.exit()`: so it tells a clean stop from serve's
 * forced exit after 2 s, which exits 0 as well.
 */
const DRAINED = 'event loop drained\n';

function spawnServe(options: Record<string, unknown>): Served {
  const script = [
    `process.once('beforeExit', () => process.stdout.write(${JSON.stringify(DRAINED)}));`,
    `import('./emulator/serve.ts').then(m => m.serve(${JSON.stringify(options)}));`,
  ].join(' ');
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: new URL('../../', import.meta.url),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  // 'close', not 'exit': both pipes are read to the end before the code is looked at.
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stderr: () => stderr, stdout: () => stdout, exit };
}

async function waitFor(served: Served, pattern: RegExp, ms = 20_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = pattern.exec(served.stderr());
    if (m) return m;
    if (Date.now() > deadline || served.child.exitCode !== null) {
      throw new Error(`no ${pattern} in stderr:\n${served.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('port 0: prints the actual ports and services, logs each request, stops on SIGINT with exit 0', async () => {
  const served = spawnServe({ port: 0, dnsPort: 0, timeScale: 5 });
  try {
    const [, endpoint, httpPort, dnsPort, timeScale, services] = await waitFor(served, READY);
    assert.ok(Number(httpPort) > 0 && Number(dnsPort) > 0, 'real ports, not 0');
    assert.is(timeScale, '5');
    assert.ok(services!.split(',').includes('fis'), services);

    const health = await fetch(`${endpoint}/_localstack/health`);
    assert.is(((await health.json()) as { services: Record<string, string> }).services.fis, 'running');
    const fis = fisClient(endpoint, 'eu-central-1');
    assert.equal((await fis.send(new ListExperimentTemplatesCommand({}))).experimentTemplates, []);
    fis.destroy();
    await waitFor(served, /\d\d:\d\d:\d\d\.\d{3} fis ListExperimentTemplates 200 [\d.]+ms/);

    served.child.kill('SIGINT');
    assert.is(await withTimeout(served.exit, 20_000, 'stopping'), 0);
    assert.is(served.stdout(), DRAINED, 'exit 0 because nothing was left running, not by the forced exit');
    assert.match(served.stderr(), 'emulator stopping (SIGINT)\n');
    assert.match(served.stderr(), /emulator stopped\n$/);
    const closed = await fetch(`${endpoint}/_localstack/health`).then(
      () => false,
      () => true,
    );
    assert.ok(closed, 'the port is closed');
  } finally {
    served.child.kill('SIGKILL');
  }
});

test('SIGTERM stops it too', async () => {
  const served = spawnServe({ port: 0, dnsPort: 0 });
  try {
    await waitFor(served, READY);
    served.child.kill('SIGTERM');
    assert.is(await withTimeout(served.exit, 20_000, 'stopping'), 0);
    assert.is(served.stdout(), DRAINED, 'exit 0 because nothing was left running, not by the forced exit');
    assert.match(served.stderr(), 'emulator stopping (SIGTERM)');
  } finally {
    served.child.kill('SIGKILL');
  }
});

test('an HTTP port in use: one line naming --port, exit 2, no stack trace', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const served = spawnServe({ port, dnsPort: 0 });
    assert.is(await withTimeout(served.exit, 20_000, 'failing'), 2);
    assert.is(
      served.stderr(),
      `engine serve: cannot bind HTTP port ${port} on 127.0.0.1: it is already in use; choose another with --port, e.g. --port 4567\n`,
    );
  } finally {
    blocker.close();
  }
});

test('a DNS port in use: one line naming --dns-port, exit 2, and the HTTP port is released', async () => {
  const blocker = createSocket('udp4');
  await new Promise<void>((r) => blocker.bind(0, '127.0.0.1', r));
  const dnsPort = blocker.address().port;
  try {
    const served = spawnServe({ port: 0, dnsPort });
    assert.is(await withTimeout(served.exit, 20_000, 'failing'), 2);
    const lines = served.stderr().trimEnd().split('\n');
    assert.is(
      lines.at(-1),
      `engine serve: cannot bind DNS port ${dnsPort} on 127.0.0.1: it is already in use; choose another with --dns-port, e.g. --dns-port 5353`,
    );
    assert.not.match(served.stderr(), /\n\s+at /, 'no stack trace');
  } finally {
    blocker.close();
  }
});

test('bad flags are reported before anything binds', async () => {
  const served = spawnServe({ port: 70000, dnsPort: 0 });
  assert.is(await withTimeout(served.exit, 20_000, 'failing'), 2);
  assert.is(served.stderr(), 'engine serve: invalid --port 70000: use a port number from 0 to 65535 (0 picks a free one)\n');
});

test('--time-scale takes a number or idle: anything else is a usage error naming both', async () => {
  const bad = await runCli(['serve', '--time-scale', 'fast', '--port', '0', '--dns-port', '0']);
  assert.is(bad.code, 2);
  assert.is(bad.stderr, "engine: --time-scale expects a number or idle, got 'fast'\n");
});

test('bindErrorMessage tells HTTP from DNS and explains EACCES on port 53', () => {
  const target = { host: '127.0.0.1', port: 4566, dnsPort: 53 };
  const errno = (code: string, syscall: string, port: number) =>
    Object.assign(new Error(`${syscall} ${code} 127.0.0.1:${port}`), { code, syscall, port });
  assert.is(
    bindErrorMessage(errno('EACCES', 'bind', 53), target),
    'cannot bind DNS port 53 on 127.0.0.1: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); choose another with --dns-port, e.g. --dns-port 5353',
  );
  assert.match(bindErrorMessage(errno('EADDRINUSE', 'listen', 53), target), 'choose another with --dns-port');
  assert.match(bindErrorMessage(errno('EACCES', 'listen', 4566), target), 'cannot bind HTTP port 4566 on 127.0.0.1: permission denied');
  assert.match(bindErrorMessage(errno('EADDRNOTAVAIL', 'listen', 4566), target), '--host');
  assert.is(bindErrorMessage(new Error('boom\n    at x'), target), 'the emulator failed to start: boom');
});

test.run();
