import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Pieces of `npm run bench -- dns` that run other programs: `engine serve` as a user starts
 * it, Debian's `dnsperf`, and `dnsmasq` serving the same names (the floor), all on 127.0.0.1.
 */

const ENGINE = fileURLToPath(new URL('../bin/engine.js', import.meta.url));

export interface DnsperfResult {
  qps: number;
  sent: number;
  lost: number;
}

/** `dnsperf -c clients -l seconds` over `names` (type A) against 127.0.0.1:`port`. */
export async function dnsperf(port: number, names: string[], clients: number, seconds: number): Promise<DnsperfResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dnsperf-'));
  try {
    const file = join(dir, 'queries');
    writeFileSync(file, names.map((n) => `${n} A\n`).join(''));
    const args = ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-c', String(clients), '-l', String(seconds)];
    const { stdout } = await runToEnd('dnsperf', args);
    const figure = (label: string) => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(stdout)?.[1] ?? Number.NaN);
    return { qps: figure('Queries per second'), sent: figure('Queries sent'), lost: figure('Queries lost') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `engine serve` on free ports, once it prints its ready line. */
export async function startServe(): Promise<{ endpoint: string; dnsPort: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [ENGINE, 'serve', '--port', '0', '--dns-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    let text = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      text += chunk;
      const m = /emulator ready: (\S+) dns \S+:(\d+)/.exec(text);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`engine serve exited (${code}): ${text}`)));
  });
  child.stderr!.resume();
  return { endpoint: ready[1]!, dnsPort: Number(ready[2]), stop: () => stopChild(child, 'SIGINT') };
}

/** dnsmasq in the foreground on `port`, answering `records` (name → IPv4) and nothing else. */
export async function startDnsmasq(port: number, records: Record<string, string>): Promise<{ port: number; stop(): Promise<void> }> {
  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--bind-interfaces',
    '--listen-address=127.0.0.1',
    `--port=${port}`,
    '--pid-file',
    `--user=${userInfo().username}`,
    ...Object.entries(records).map(([name, address]) => `--host-record=${name},${address}`),
  ];
  const child = spawn('dnsmasq', args, { stdio: 'ignore' });
  const deadline = Date.now() + 5_000;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`dnsmasq did not start on port ${port}`);
  }
  return { port, stop: () => stopChild(child, 'SIGTERM') };
}

/** Whether something answers a DNS query on 127.0.0.1:`port` within 200 ms. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => finish(false), 200);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    socket.on('message', () => finish(true));
    socket.on('error', () => finish(false));
    // id 1, rd, one question: `localhost. A IN`
    const query = Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, ...Buffer.from('localhost'), 0, 0, 1, 0, 1]);
    socket.send(query, port, '127.0.0.1');
  });
}

function runToEnd(command: string, args: string[]): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve({ stdout }) : reject(new Error(`${command} exited ${code}: ${stderr}`))));
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
