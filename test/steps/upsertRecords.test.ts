import * as assert from 'uvu/assert';
import {
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { Resolver } from 'node:dns/promises';
import type { Target } from '../../engine/types.ts';
import upsertRecords from '../../steps/upsertRecords.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { rollbackStep, runStep, testStep } from '../helpers/testStep.ts';

/**
 * upsertRecords through the real SDK, and what the emulator's DNS server answers for the sets
 * it writes, over real UDP queries with Node's resolver.
 */
const test = emulatorSuite('steps/upsertRecords');

const r53 = (target: Target) => target.client(Route53Client, 'us-east-1');

async function newZone(target: Target, name = 'example.com'): Promise<string> {
  const zone = await r53(target).send(new CreateHostedZoneCommand({ Name: name, CallerReference: `z-${Math.random()}` }));
  return zone.HostedZone!.Id!;
}

async function records(target: Target, zoneId: string): Promise<ResourceRecordSet[]> {
  const listed = await r53(target).send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return (listed.ResourceRecordSets ?? []).filter((s) => s.Type !== 'SOA' && s.Type !== 'NS');
}

function resolverFor(target: Target): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 3 });
  resolver.setServers([`${target.dns!.host}:${target.dns!.port}`]);
  return resolver;
}

/** `count` real A queries, `parallel` at a time; how many times each address was answered. */
async function tally(target: Target, name: string, count: number, parallel = 50): Promise<Map<string, number>> {
  const resolver = resolverFor(target);
  const seen = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const answer = await resolver.resolve4(name);
      for (const address of answer) seen.set(address, (seen.get(address) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return seen;
}

const weighted = (zoneId: string, blue: number, green: number) => ({
  zoneId,
  name: 'app.example.com',
  policy: 'weighted' as const,
  records: [
    { setIdentifier: 'blue', values: ['10.0.0.1'], weight: blue },
    { setIdentifier: 'green', values: ['10.0.0.2'], weight: green },
  ],
});

test('weighted: 10,000 DNS queries split 3:1 within 2 %', async ({ target }) => {
  const zoneId = await newZone(target);
  await runStep(upsertRecords, weighted(zoneId, 75, 25), stepContext(target));
  const seen = await tally(target, 'app.example.com', 10_000);
  const blue = (seen.get('10.0.0.1') ?? 0) / 10_000;
  const green = (seen.get('10.0.0.2') ?? 0) / 10_000;
  assert.ok(Math.abs(blue - 0.75) <= 0.02, `blue share ${blue}`);
  assert.ok(Math.abs(green - 0.25) <= 0.02, `green share ${green}`);
  assert.is((seen.get('10.0.0.1') ?? 0) + (seen.get('10.0.0.2') ?? 0), 10_000);
});

test('weighted: a second use shifts traffic (blue/green); its rollback shifts it back', async ({ target }) => {
  const zoneId = await newZone(target);
  const ctx = stepContext(target);
  await runStep(upsertRecords, weighted(zoneId, 100, 0), ctx);
  assert.equal([...(await tally(target, 'app.example.com', 200)).keys()], ['10.0.0.1'], 'weight 0 is never answered while blue is healthy');
  const shift = await runStep(upsertRecords, weighted(zoneId, 0, 100), ctx);
  assert.is(shift.previous.length, 2);
  assert.equal([...(await tally(target, 'app.example.com', 200)).keys()], ['10.0.0.2']);
  await rollbackStep(upsertRecords, weighted(zoneId, 0, 100), ctx, shift);
  assert.equal([...(await tally(target, 'app.example.com', 200)).keys()], ['10.0.0.1']);
  assert.equal((await records(target, zoneId)).map((s) => `${s.SetIdentifier} ${s.Weight}`).sort(), ['blue 100', 'green 0']);
});

test('weighted: all weights 0 → every member evenly', async ({ target }) => {
  const zoneId = await newZone(target);
  await runStep(upsertRecords, weighted(zoneId, 0, 0), stepContext(target));
  const seen = await tally(target, 'app.example.com', 2_000);
  const blue = (seen.get('10.0.0.1') ?? 0) / 2_000;
  assert.ok(Math.abs(blue - 0.5) <= 0.05, `blue share ${blue}`);
});

test('multivalue: every healthy member up to eight, a random eight of ten', async ({ target }) => {
  const zoneId = await newZone(target);
  const members = Array.from({ length: 10 }, (_, i) => ({ setIdentifier: `m${i}`, values: [`10.0.1.${i}`] }));
  await runStep(upsertRecords, { zoneId, name: 'mv.example.com', policy: 'multivalue', records: members.slice(0, 3) }, stepContext(target));
  assert.equal((await resolverFor(target).resolve4('mv.example.com')).sort(), ['10.0.1.0', '10.0.1.1', '10.0.1.2']);
  await runStep(upsertRecords, { zoneId, name: 'mv.example.com', policy: 'multivalue', records: members }, stepContext(target));
  const union = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const answer = await resolverFor(target).resolve4('mv.example.com');
    assert.is(answer.length, 8);
    assert.is(new Set(answer).size, 8);
    for (const a of answer) union.add(a);
  }
  assert.is(union.size, 10, 'different queries get different eights');
});

test('invalid for its policy: a weighted member without weight is refused before any request', async ({ target }) => {
  const zoneId = await newZone(target);
  const params = {
    zoneId,
    name: 'app.example.com',
    policy: 'weighted' as const,
    records: [{ setIdentifier: 'blue', values: ['10.0.0.1'] }],
  };
  try {
    await runStep(upsertRecords, params, stepContext(target));
    assert.unreachable('should throw');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'E_NON_RETRYABLE');
    assert.match((error as Error).message, "records[0] (blue) needs 'weight' for policy weighted");
  }
  assert.equal(await records(target, zoneId), []);
});

test('effects: one change naming the set and each member', () => {
  const effects = upsertRecords.effects!({ ...weighted('Z1', 90, 10), type: 'A', ttl: 60 }, { workflowDir: '.' });
  assert.equal(effects, [
    {
      action: 'change',
      resource: 'Route 53 A app.example.com in zone Z1',
      detail: 'weighted set: blue weight 90 → 10.0.0.1; green weight 10 → 10.0.0.2 (rollback restores the previous members)',
    },
  ]);
});

let conformanceZone = '';
testStep(test, upsertRecords, {
  valid: [
    weighted('Z1', 1, 255),
    {
      zoneId: 'Z1',
      name: 'a.example.com',
      policy: 'latency',
      records: [{ setIdentifier: 'eu', values: ['10.0.0.1'], region: 'eu-central-1' }],
    },
    {
      zoneId: 'Z1',
      name: 'a.example.com',
      policy: 'geolocation',
      type: 'CNAME',
      ttl: 30,
      records: [{ setIdentifier: 'def', values: ['x.example.com'], location: { country: '*' } }],
    },
    {
      zoneId: 'Z1',
      name: 'a.example.com',
      policy: 'multivalue',
      records: [{ setIdentifier: 'a', values: ['10.0.0.1'], healthCheckId: 'hc' }],
    },
  ],
  invalid: [
    { params: { ...weighted('Z1', 1, 1), policy: 'failover' }, errors: ['/policy: must be equal to one of the allowed values'] },
    { params: { ...weighted('Z1', 1, 1), records: [] }, errors: ['/records: must NOT have fewer than 1 items'] },
    { params: weighted('Z1', 256, 1), errors: ['/records/0/weight: must be <= 255'] },
    {
      params: {
        zoneId: 'Z1',
        name: 'a',
        policy: 'geolocation',
        records: [{ setIdentifier: 'a', values: ['1.1.1.1'], location: { continent: 'XX' } }],
      },
      errors: ['/records/0/location/continent: must be equal to one of the allowed values'],
    },
  ],
  runThenRollback: {
    params: async ({ target }) => {
      conformanceZone = await newZone(target);
      const check = await r53(target).send(
        new CreateHealthCheckCommand({
          CallerReference: `h-${Math.random()}`,
          HealthCheckConfig: { Type: 'TCP', IPAddress: '127.0.0.1', Port: 9 },
        }),
      );
      const p = weighted(conformanceZone, 50, 50);
      return { ...p, records: [{ ...p.records[0]!, healthCheckId: check.HealthCheck!.Id! }, p.records[1]!] };
    },
    leftovers: async ({ target }) =>
      (await records(target, conformanceZone)).map((set) => `${set.Name} ${set.Type} ${set.SetIdentifier ?? ''}`),
  },
});

test.run();
