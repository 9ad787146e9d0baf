import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tmp } from '../helpers/engine.ts';

/**
 * `engine run --emulate clientRegion=… / clientCountry=…` places the embedded emulator's DNS
 * client: the same latency and geolocation sets answer differently, through the real DNS server.
 * Each run is the CLI's `main` in this process, with its own embedded emulator.
 */
const test = suite('engine/emulateRouting');

const WORKFLOW = `name: routing-client
inputs:
  expected: { type: string }
  geoExpected: { type: string, default: 10.0.1.9 }
steps:
  - id: zone
    type: createZone
    params: { name: where.example }
  - id: latency
    type: upsertRecords
    params:
      zoneId: \${{ steps.zone.outputs.zoneId }}
      name: lat.where.example
      policy: latency
      records:
        - { setIdentifier: us, values: [10.0.0.1], region: us-east-1 }
        - { setIdentifier: eu, values: [10.0.0.2], region: eu-central-1 }
        - { setIdentifier: ap, values: [10.0.0.3], region: ap-northeast-1 }
  - id: geo
    type: upsertRecords
    params:
      zoneId: \${{ steps.zone.outputs.zoneId }}
      name: geo.where.example
      policy: geolocation
      records:
        - { setIdentifier: de, values: [10.0.1.1], location: { country: DE } }
        - { setIdentifier: other, values: [10.0.1.9], location: { country: "*" } }
  - id: lat
    type: awaitDnsTarget
    params: { name: lat.where.example, type: A, expected: "\${{ inputs.expected }}", maxWait: 2s }
  - id: where
    type: awaitDnsTarget
    params: { name: geo.where.example, type: A, expected: "\${{ inputs.geoExpected }}", maxWait: 2s }
`;

async function run(expected: string | [string, string], ...emulate: string[]) {
  const [lat, geo] = typeof expected === 'string' ? [expected, undefined] : expected;
  const dir = tmp('routing-');
  const file = join(dir, 'wf.yaml');
  writeFileSync(file, WORKFLOW);
  return runCli([
    'run',
    file,
    '--state-dir',
    join(dir, 's'),
    '--input',
    `expected=${lat}`,
    ...(geo ? ['--input', `geoExpected=${geo}`] : []),
    ...emulate.flatMap((e) => ['--emulate', e]),
  ]);
}

test('latency answers by --emulate clientRegion (default us-east-1)', async () => {
  assert.is((await run('10.0.0.1')).code, 0);
  assert.is((await run('10.0.0.2', 'clientRegion=eu-west-1')).code, 0);
  assert.is((await run('10.0.0.3', 'clientRegion=ap-northeast-2', 'replicationLag=2s')).code, 0, 'routing and delay settings together');
  assert.is((await run('10.0.0.2')).code, 1, 'the default client is not in Europe');
});

test('geolocation answers by --emulate clientCountry (default record when unknown)', async () => {
  assert.is((await run(['10.0.0.1', '10.0.1.9'])).code, 0);
  assert.is((await run(['10.0.0.1', '10.0.1.1'], 'clientCountry=DE')).code, 0);
  assert.is((await run(['10.0.0.1', '10.0.1.9'], 'clientCountry=FR')).code, 0, 'no France or Europe record: the default');
});

test('a malformed setting is a usage error', async () => {
  const bad = await run('10.0.0.1', 'clientCountry');
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--emulate/);
});

test.run();
