import { execFile } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import type { Emulator } from '../../emulator/index.ts';
import { awsCliJson, cliTest } from '../helpers/awsCli.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * The tutorial's Route 53 steps (seed/route53-failover-with-fis.md, "Configuring Route53"),
 * replayed with the real AWS CLI v2 against the emulator, then checked with dig (or Node's
 * resolver). The change batches are the tutorial's JSON verbatim, with the shell variables
 * substituted; only the health check's Port is the emulator's gateway port instead of 4566.
 */
const clock = new ManualClock();
const test = emulatorSuite('route53/tutorial', { emulator: { clock }, reset: false });
const DIG = ['/usr/bin/dig', '/bin/dig'].find((p) => existsSync(p));
const run = promisify(execFile);

let emu: Emulator;
test.before((ctx) => {
  emu = ctx.emu;
});

/** The CLI's JSON answer; a failed command throws an AwsCliError (its `code` and `stderr`). */
const aws = (...args: string[]): Promise<Record<string, unknown>> => awsCliJson(emu.endpoint, args);

/** The CNAME answer for test.hello-localstack.com, as `dig +noall +answer` prints it. */
async function digCname(): Promise<string> {
  if (DIG) {
    const { stdout } = await run(DIG, [
      '@127.0.0.1',
      '-p',
      String(emu.dns.port),
      '+noall',
      '+answer',
      'test.hello-localstack.com',
      'CNAME',
    ]);
    return stdout.trim().replace(/\s+/g, ' ');
  }
  console.log("  (dig is not installed: checking with Node's resolver instead)");
  const resolver = new Resolver({ timeout: 2_000, tries: 1 });
  resolver.setServers([`127.0.0.1:${emu.dns.port}`]);
  const [target] = await resolver.resolveCname('test.hello-localstack.com');
  return `test.hello-localstack.com. 60 IN CNAME ${target}.`;
}

cliTest(test)('the tutorial CLI sequence, then dig, then failover when the primary health check fails', async () => {
  const HOSTED_ZONE_NAME = 'hello-localstack.com';
  const zone = await aws('route53', 'create-hosted-zone', '--name', HOSTED_ZONE_NAME, '--caller-reference', 'foo');
  const HOSTED_ZONE_ID = (zone['HostedZone'] as { Id: string }).Id;
  assert.match(HOSTED_ZONE_ID, /^\/hostedzone\/Z/);

  const check = await aws(
    'route53',
    'create-health-check',
    '--caller-reference',
    'foobar',
    '--health-check-config',
    `{
    "FullyQualifiedDomainName": "12345.execute-api.localhost.localstack.cloud",
    "Port": ${emu.port},
    "ResourcePath": "/dev/healthcheck",
    "Type": "HTTP",
    "RequestInterval": 10
}`,
  );
  const HEALTH_CHECK_ID = (check['HealthCheck'] as { Id: string }).Id;

  // Step 4 uses the abbreviated flag `--hosted-zone` and the prefixed id, as the tutorial does.
  await aws(
    'route53',
    'change-resource-record-sets',
    '--hosted-zone',
    HOSTED_ZONE_ID,
    '--change-batch',
    `{
                                             "Changes": [
                                                 {
                                                     "Action": "CREATE",
                                                     "ResourceRecordSet": {
                                                         "Name": "12345.${HOSTED_ZONE_NAME}",
                                                         "Type": "CNAME",
                                                         "TTL": 60,
                                                         "ResourceRecords": [{"Value": "12345.execute-api.localhost.localstack.cloud"}]
                                                     }
                                                 },
                                                 {
                                                     "Action": "CREATE",
                                                     "ResourceRecordSet": {
                                                         "Name": "67890.${HOSTED_ZONE_NAME}",
                                                         "Type": "CNAME",
                                                         "TTL": 60,
                                                         "ResourceRecords": [{"Value": "67890.execute-api.localhost.localstack.cloud"}]
                                                     }
                                                 }
                                             ]}`,
  );
  await aws(
    'route53',
    'change-resource-record-sets',
    '--hosted-zone-id',
    HOSTED_ZONE_ID,
    '--change-batch',
    `{
                                             "Changes": [
                                                 {
                                                     "Action": "CREATE",
                                                     "ResourceRecordSet": {
                                                         "Name": "test.${HOSTED_ZONE_NAME}",
                                                         "Type": "CNAME",
                                                         "SetIdentifier": "12345",
                                                         "AliasTarget": {
                                                             "HostedZoneId": "${HOSTED_ZONE_ID}",
                                                             "DNSName": "12345.${HOSTED_ZONE_NAME}",
                                                             "EvaluateTargetHealth": true
                                                         },
                                                         "HealthCheckId": "${HEALTH_CHECK_ID}",
                                                         "Failover": "PRIMARY"
                                                     }
                                                 },
                                                 {
                                                     "Action": "CREATE",
                                                     "ResourceRecordSet": {
                                                         "Name": "test.${HOSTED_ZONE_NAME}",
                                                         "Type": "CNAME",
                                                         "SetIdentifier": "67890",
                                                         "AliasTarget": {
                                                             "HostedZoneId": "${HOSTED_ZONE_ID}",
                                                             "DNSName": "67890.${HOSTED_ZONE_NAME}",
                                                             "EvaluateTargetHealth": true
                                                         },
                                                         "Failover": "SECONDARY"
                                                     }
                                                 }
                                             ]}`,
  );

  // The tutorial prints TTL 300 because LocalStack ignores record TTLs; like AWS, the alias
  // answer carries its target record's TTL, 60.
  assert.is(await digCname(), 'test.hello-localstack.com. 60 IN CNAME 12345.execute-api.localhost.localstack.cloud.');

  // Nothing serves API 12345 in this test, so its health check fails: after FailureThreshold
  // (default 3) probes at RequestInterval 10 s, the answer flips to the secondary.
  const api = emu.api('route53');
  for (let i = 0; i < 3; i++) {
    await clock.advance(10_000);
    await api.healthChecks.settled();
  }
  assert.is(api.healthChecks.status(HEALTH_CHECK_ID), 'unhealthy');
  assert.is(await digCname(), 'test.hello-localstack.com. 60 IN CNAME 67890.execute-api.localhost.localstack.cloud.');
  const status = await aws('route53', 'get-health-check-status', '--health-check-id', HEALTH_CHECK_ID);
  const observation = (status['HealthCheckObservations'] as { StatusReport: { Status: string } }[])[0]!;
  assert.match(observation.StatusReport.Status, /^Failure: HTTP Status Code 4\d\d/);
});

cliTest(test)("CLI errors: a reused caller reference exits 254 with AWS's message", async () => {
  try {
    await aws('route53', 'create-hosted-zone', '--name', 'again.com', '--caller-reference', 'foo');
    assert.unreachable('expected HostedZoneAlreadyExists');
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    assert.is(e.code, 254);
    assert.match(
      e.stderr ?? '',
      'An error occurred (HostedZoneAlreadyExists) when calling the CreateHostedZone operation: A hosted zone has already been created with the specified caller reference.',
    );
  }
});

test.run();
