import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { FisClient, GetExperimentCommand, ListExperimentsCommand, ListExperimentTemplatesCommand } from '@aws-sdk/client-fis';
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListHealthChecksCommand, ListHostedZonesCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { LOCK_ZONE } from '../../engine/locks.ts';
import { ROOT } from '../helpers/engine.ts';
import { readJournal, stepIdOf, type JournalEntry } from './drillJournal.ts';

/**
 * What the compensation and interrupt e2e tests share: "is anything left?" asked with the real
 * AWS SDK clients against an emulator endpoint, and plumbing for child processes that must not
 * outlive the test.
 */

/** The drill's two regions. */
export const REGIONS = ['us-east-1', 'eu-central-1'] as const;

/** FIS statuses in which an experiment may still inject faults. */
export const LIVE_EXPERIMENT_STATUSES = ['pending', 'initiating', 'running', 'stopping'];

// As bin/engine.js does: the SDK's Node-version notice is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** SDK clients for one endpoint (one per service and region, created on first use). */
export class Clients {
  private readonly cache = new Map<string, unknown>();
  constructor(readonly endpoint: string) {}

  private get<T>(key: string, make: () => T): T {
    let client = this.cache.get(key) as T | undefined;
    if (!client) this.cache.set(key, (client = make()));
    return client;
  }
  private config(region: string) {
    // A fresh connection per request: the emulator closes a connection idle for 5 s, and a
    // request sent on it just then fails with "socket hang up" (the server's close racing the
    // reuse). These clients only ask what is left, seconds apart, and retry nothing.
    return { region, endpoint: this.endpoint, credentials, maxAttempts: 1, requestHandler: { httpAgent: new Agent({ keepAlive: false }) } };
  }
  route53(): Route53Client {
    return this.get('route53', () => new Route53Client(this.config('us-east-1')));
  }
  fis(region = 'us-east-1'): FisClient {
    return this.get(`fis:${region}`, () => new FisClient(this.config(region)));
  }
  lambda(region: string): LambdaClient {
    return this.get(`lambda:${region}`, () => new LambdaClient(this.config(region)));
  }
  apigw(region: string): APIGatewayClient {
    return this.get(`apigw:${region}`, () => new APIGatewayClient(this.config(region)));
  }
  dynamo(region: string): DynamoDBClient {
    return this.get(`dynamo:${region}`, () => new DynamoDBClient(this.config(region)));
  }
  destroy(): void {
    for (const client of this.cache.values()) (client as { destroy(): void }).destroy();
    this.cache.clear();
  }

  /** Current status of an experiment (GetExperiment in us-east-1). */
  async experimentStatus(id: string): Promise<string | undefined> {
    const got = await this.fis().send(new GetExperimentCommand({ id }));
    return got.experiment?.state?.status;
  }
}

/**
 * Everything the drill could have left behind, one line per resource (empty: nothing left):
 * hosted zones, health checks, FIS templates and live experiments (us-east-1), Lambda functions
 * and event source mappings, REST APIs and DynamoDB tables (both regions).
 */
export async function leftovers(clients: Clients): Promise<string[]> {
  const left: string[] = [];
  const r53 = clients.route53();
  for (const zone of (await r53.send(new ListHostedZonesCommand({}))).HostedZones ?? []) {
    // The lock zone stays on the target by design (docs/locks.md); a lock record left in it is a leftover.
    if (zone.Name !== LOCK_ZONE) left.push(`hosted zone ${zone.Id} ${zone.Name}`);
    else {
      const sets = (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }))).ResourceRecordSets ?? [];
      for (const set of sets.filter((s) => s.Type === 'TXT')) left.push(`lock record ${set.Name} ${set.ResourceRecords?.[0]?.Value ?? ''}`);
    }
  }
  for (const check of (await r53.send(new ListHealthChecksCommand({}))).HealthChecks ?? []) {
    left.push(`health check ${check.Id} (${check.HealthCheckConfig?.FullyQualifiedDomainName ?? '?'})`);
  }
  const fis = clients.fis('us-east-1');
  for (const template of (await fis.send(new ListExperimentTemplatesCommand({}))).experimentTemplates ?? []) {
    left.push(`experiment template ${template.id} (us-east-1)`);
  }
  for (const experiment of (await fis.send(new ListExperimentsCommand({}))).experiments ?? []) {
    const status = experiment.state?.status ?? '?';
    if (LIVE_EXPERIMENT_STATUSES.includes(status)) left.push(`experiment ${experiment.id} ${status} (us-east-1)`);
  }
  for (const region of REGIONS) {
    const lambda = clients.lambda(region);
    for (const fn of (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [])
      left.push(`function ${fn.FunctionName} (${region})`);
    for (const m of (await lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []) {
      left.push(`event source mapping ${m.UUID} ${m.State} → ${m.FunctionArn} (${region})`);
    }
    for (const api of (await clients.apigw(region).send(new GetRestApisCommand({}))).items ?? [])
      left.push(`REST API ${api.id} ${api.name} (${region})`);
    for (const table of (await clients.dynamo(region).send(new ListTablesCommand({}))).TableNames ?? [])
      left.push(`table ${table} (${region})`);
  }
  return left;
}

/** Children spawned by a test file, killed in `after` if still alive. */
export class Children {
  private readonly alive = new Set<ChildProcess>();

  /** Spawns `node bin/engine.js ...args` from the repository root, collecting its output. */
  engine(args: string[]): EngineChild {
    const child = spawn(process.execPath, [join(ROOT, 'bin/engine.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.alive.add(child);
    const output = { stdout: '', stderr: '' };
    child.stdout!.on('data', (d: Buffer) => (output.stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output.stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        this.alive.delete(child);
        resolve({ code, signal });
      });
    });
    return { child, output, exited, args };
  }

  /** SIGKILLs every child still running and waits for them. */
  async killAll(): Promise<void> {
    await Promise.all(
      [...this.alive].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const closed = new Promise((r) => child.once('close', r));
        child.kill('SIGKILL');
        await closed;
      }),
    );
    this.alive.clear();
  }
}

/** A spawned `engine` process. */
export interface EngineChild {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  args: string[];
}

/** Waits for a child to exit, failing with its output after `timeoutMs`. */
export async function exitOf(run: EngineChild, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `engine ${run.args.join(' ')} did not exit within ${timeoutMs / 1000} s\n--- stderr (tail) ---\n${run.output.stderr.slice(-3000)}`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `emulator ready: <endpoint> dns <host:port>` on `engine serve`'s stderr. */
export function serveReady(run: EngineChild, timeoutMs = 30_000): Promise<{ endpoint: string; dns: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`engine serve did not print its ready line within ${timeoutMs / 1000} s:\n${run.output.stderr}`)),
      timeoutMs,
    );
    const check = () => {
      const match = /emulator ready: (http:\/\/\S+) dns (\S+)/.exec(run.output.stderr);
      if (match) {
        clearTimeout(timer);
        run.child.stderr!.off('data', check);
        resolve({ endpoint: match[1]!, dns: match[2]! });
      }
    };
    run.child.stderr!.on('data', check);
    check();
    void run.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`engine serve exited (${code ?? signal}) before it was ready:\n${run.output.stderr}`));
    });
  });
}

/** The only run id under a state dir (undefined until the run has created its folder). */
export function soleRunId(stateDir: string): string | undefined {
  const dir = join(stateDir, 'runs');
  if (!existsSync(dir)) return undefined;
  const ids = readdirSync(dir);
  if (ids.length > 1) throw new Error(`expected one run in ${stateDir}, found ${ids.join(', ')}`);
  return ids[0];
}

/** The journal of the only run under `stateDir`, or [] before it exists. */
export function journalIn(stateDir: string): JournalEntry[] {
  const runId = soleRunId(stateDir);
  if (!runId || !existsSync(join(stateDir, 'runs', runId, 'journal.jsonl'))) return [];
  try {
    return readJournal(stateDir, runId);
  } catch {
    return []; // a line being written: read again on the next poll
  }
}

/** Polls `check` every 50 ms until it returns a value; fails with `what` (and `detail()`) after `timeoutMs`. */
export async function poll<T>(check: () => T | undefined, timeoutMs: number, what: string, detail: () => string = () => ''): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** stepIds of journal entries of one kind, in journal order. */
export function stepIdsOf(journal: JournalEntry[], kind: string): string[] {
  return journal.filter((e) => e.kind === kind).map((e) => stepIdOf(e)!);
}
