import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { runCli } from '../helpers/engine.ts';

/**
 * `engine plan` through the command line, pointed at a running emulator that counts every HTTP
 * request and DNS query it receives: the plan lists what the drill would create and break, and
 * the emulator sees nothing.
 */
const test = suite<{ emu: Emulator; requests: string[] }>('engine/plan', { requests: [] } as never);

test.before(async (ctx) => {
  ctx.requests = [];
  ctx.emu = await startEmulator({ log: (line) => ctx.requests.push(line) });
});

test.after(async ({ emu }) => {
  await emu?.stop();
});

test('route53-failover: every resource it creates and the fault it injects; zero requests to the target', async ({ emu, requests }) => {
  const before = { requests: requests.length, dns: emu.dnsStats().answered };
  const dns = `${emu.dns.host}:${emu.dns.port}`;
  const out = await runCli(['plan', 'workflows/route53-failover.yaml', '--target', 'endpoint', '--endpoint', emu.endpoint, '--dns', dns]);
  assert.is(out.code, 0, out.stderr);
  const text = out.stdout;
  assert.ok(text.startsWith(`target: ${emu.endpoint} (not contacted)\n`), text);
  for (const expected of [
    /standby \(provisionRegion\) \[standbyRegion\]\n\s+create DynamoDB table Products, Lambda functions, API Gateway REST API 67890 \(stage dev\) in eu-central-1/,
    /primary \(provisionRegion\) \[primaryRegion\]\n\s+create .*REST API 12345 \(stage dev\), stream replication to eu-central-1 in us-east-1/,
    /zone \(createZone\)\n\s+create Route 53 hosted zone hello-localstack\.com/,
    /healthCheck \(createHealthCheck\)\n\s+create Route 53 health check HTTP \$\{\{ steps\.primary\.outputs\.invokeHost \}\}:\$\{\{ target\.port \}\}\/dev\/healthcheck/,
    /failoverRecords \(upsertFailoverRecords\)\n\s+change Route 53 CNAME .* failover pair test\.hello-localstack\.com/,
    /breakPrimary \(startExperiment\)\n\s+break\s+FIS experiment from experiments\/experiment-lambda\.json in us-east-1: localstack:generic:api-error on lambda Invoke \(100 %, 500\)/,
    /restorePrimary \(stopExperiment\)\n\s+change FIS experiment/,
    /summary: 4 create, 3 change, 1 break, 0 delete\n$/,
  ]) {
    assert.match(text, expected);
  }
  assert.is(text.match(/no change \(reads or waits only\)/g)?.length, 8, 'the awaits, the waits and the read');
  assert.is(requests.length - before.requests, 0, `requests reached the emulator: ${requests.join('; ')}`);
  assert.is(emu.dnsStats().answered - before.dns, 0, 'no DNS query');
  await fetch(`${emu.endpoint}/_localstack/health`);
  assert.ok(requests.length > before.requests, 'the counter does count a request');
});

test('--json lists each step with its effects; a step type without effects() is "unknown"', async ({ requests }) => {
  const before = requests.length;
  const out = await runCli(['plan', 'workflows/examples/timeout-retry.yaml', '--json']);
  assert.is(out.code, 0, out.stderr);
  const plan = JSON.parse(out.stdout) as { id: string; effects?: unknown[]; unknown?: string }[];
  assert.ok(plan.length > 0);
  for (const step of plan) assert.ok(Array.isArray(step.effects) || typeof step.unknown === 'string', JSON.stringify(step));
  assert.is(requests.length, before);
});

test.run();
