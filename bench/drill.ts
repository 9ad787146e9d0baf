import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultRegistry } from '../engine/commands.ts';
import { loadWorkflowFile } from '../engine/load.ts';
import { runWorkflow } from '../engine/run.ts';
import { createTargetSession, TargetKind, type TargetOptions } from '../engine/target.ts';
import { DEFAULT_MODEL } from '../emulator/model.ts';
import { countTraffic, measureFloor, type DrillTraffic } from './drillFloor.ts';

/**
 * The route53-failover drill on the idle-skipping clock (five times with one seed: the AWS-time
 * figures must repeat; once more against a separate `engine serve --time-scale idle` with the
 * same seed: the same figures) and at --time-scale 1, 20, 100 and 1000: wall time beside the AWS-time
 * figures, which must not depend on the clock. RequestInterval 10 × FailureThreshold 3 bounds
 * failover and failback to 20–30 s of AWS time (31 s with one await poll and the probe's work);
 * replication is the modelled lag plus invoke overhead, ± one stream poll and one await poll.
 */
const FILE = new URL('../workflows/route53-failover.yaml', import.meta.url).pathname;
const SEED = 1234;

interface Row {
  clock: string;
  wallMs: number;
  awsMs: number;
  status: string;
  failoverAwsMs: number;
  failbackAwsMs: number;
  replicationMs: number;
}

async function drill(options: TargetOptions): Promise<Row> {
  const registry = defaultRegistry();
  const workflow = loadWorkflowFile(FILE, registry);
  const stateDir = mkdtempSync(join(tmpdir(), 'drill-bench-'));
  const target = createTargetSession(options);
  const t0 = performance.now();
  try {
    await target.prepareClock();
    const report = await runWorkflow({ workflow, registry, target, stateDir, fsync: false, writeReport: false });
    const o = report.outputs as Record<string, number>;
    return {
      clock: String(report.target.clock),
      wallMs: performance.now() - t0,
      awsMs: report.durationMs,
      status: report.status,
      failoverAwsMs: o.failoverAwsMs!,
      failbackAwsMs: o.failbackAwsMs!,
      replicationMs: o.replicationMs!,
    };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The drill against a separately started `engine serve --time-scale idle --seed SEED`, its clock shared. */
async function drillOnServe(): Promise<Row> {
  const bin = new URL('../bin/engine.js', import.meta.url).pathname;
  const args = [bin, 'serve', '--port', '0', '--dns-port', '0', '--time-scale', 'idle', '--seed', String(SEED)];
  const serve = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      let text = '';
      serve.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /emulator ready: (http:\/\/\S+) dns (\S+)/.exec(text);
        if (match) resolve(match);
      });
      serve.once('exit', (code) => reject(new Error(`engine serve exited (${code}):\n${text}`)));
    });
    return await drill({ kind: TargetKind.ENDPOINT, endpoint: ready[1]!, dns: ready[2]!, seed: SEED });
  } finally {
    serve.kill('SIGTERM');
  }
}

export async function run(): Promise<void> {
  const rows: Row[] = [];
  const log: string[] = [];
  rows.push(await drill({ seed: SEED, log: (line) => log.push(line) }));
  for (let i = 1; i < 5; i++) rows.push(await drill({ seed: SEED }));
  // Same seed on a fresh engine serve: the same figures as the five above.
  const shared = await drillOnServe();
  const scales = [1, 20, 100, 1000];
  for (const timeScale of scales) rows.push(await drill({ seed: SEED, timeScale }));
  rows.push(shared);
  const lagMin = DEFAULT_MODEL.replicationLag + DEFAULT_MODEL.invokeOverhead;
  const lagMax = lagMin + DEFAULT_MODEL.streamPollInterval + 250;
  const inBounds = (ms: number) => ms >= 20_000 && ms <= 31_000;
  console.log('clock                              wall      status  failover(AWS)  failback(AWS)  replication(AWS)  within bounds');
  for (const r of rows) {
    const ok = inBounds(r.failoverAwsMs) && inBounds(r.failbackAwsMs) && r.replicationMs >= lagMin && r.replicationMs <= lagMax;
    console.log(
      `${r.clock.padEnd(34)} ${`${(r.wallMs / 1000).toFixed(2)}s`.padStart(8)}  ${r.status.padEnd(6)}  ${`${r.failoverAwsMs}ms`.padStart(13)}  ${`${r.failbackAwsMs}ms`.padStart(13)}  ${`${r.replicationMs}ms`.padStart(16)}  ${ok ? 'yes' : 'NO'}`,
    );
  }
  // The floor: the fastest idle-skipping run is what the compute costs; a paced run adds its
  // AWS time divided by the scale.
  const floor = Math.min(...rows.slice(0, 5).map((r) => r.wallMs));
  console.log(
    `floor (fastest idle-skipping run, compute only): ${(floor / 1000).toFixed(2)}s wall for ${(rows[0]!.awsMs / 1000).toFixed(2)}s of AWS time`,
  );
  for (const [i, scale] of scales.entries()) {
    const r = rows[5 + i]!;
    console.log(
      `  ${scale}×: ${(r.wallMs / 1000).toFixed(2)}s wall; floor + AWS time / ${scale} = ${((floor + r.awsMs / scale) / 1000).toFixed(2)}s`,
    );
  }
  await printFloor(countTraffic(log), floor);
  const seeded = [...rows.slice(0, 5), shared].map((r) => `${r.awsMs}/${r.failoverAwsMs}/${r.failbackAwsMs}/${r.replicationMs}`);
  console.log(
    `same seed ${SEED}, five idle-skipping runs and one on engine serve --time-scale idle: ` +
      `${new Set(seeded).size === 1 ? 'identical AWS-time figures' : `DIFFERENT: ${seeded.join(', ')}`}`,
  );
  console.log(
    `expected: failover and failback 20–31 s; replication ${lagMin}–${lagMax} ms (lag ${DEFAULT_MODEL.replicationLag} + overhead ${DEFAULT_MODEL.invokeOverhead}, ± stream poll ${DEFAULT_MODEL.streamPollInterval} and await poll 250)`,
  );
}

/** Three idle-skipping runs and the floor under them (`npm run bench -- drill-floor`: seconds, not minutes). */
export async function runFloor(): Promise<void> {
  const log: string[] = [];
  const rows = [await drill({ seed: SEED, log: (line) => log.push(line) })];
  for (let i = 1; i < 3; i++) rows.push(await drill({ seed: SEED }));
  for (const r of rows) console.log(`${r.clock}: ${(r.wallMs / 1000).toFixed(2)}s wall, ${r.status}`);
  await printFloor(countTraffic(log), Math.min(...rows.map((r) => r.wallMs)));
}

/** The drill's traffic replayed in bare Node (bench/drillFloor.ts), beside the fastest idle-skipping run. */
async function printFloor(traffic: DrillTraffic, drillMs: number): Promise<void> {
  const f = await measureFloor(traffic);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
  const rest = f.invocationsMs + f.requestsMs + f.dnsMs;
  console.log(
    `one run's traffic: ${traffic.requests} HTTP requests (${traffic.databaseRequests} to DynamoDB), ${traffic.invocations} Lambda invocations, ` +
      `${traffic.coldStarts} cold starts, ${traffic.dnsQueries} DNS queries`,
  );
  console.log(
    `the same traffic in bare Node, one hop at a time (no SDK, no emulator; a lower bound): ${s(f.coldStartsMs + rest)} ` +
      `(cold starts ${s(f.coldStartsMs)}, invocations ${s(f.invocationsMs)}, other requests ${s(f.requestsMs)}, DNS ${s(f.dnsMs)}); ` +
      `with the handlers' SDK loaded at each cold start ${s(f.coldStartsWithSdkMs + rest)}`,
  );
  console.log(`fastest idle-skipping run: ${s(drillMs)} = ${(drillMs / (f.coldStartsWithSdkMs + rest)).toFixed(1)}× that floor`);
}
