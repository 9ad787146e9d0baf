import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tmp } from '../helpers/engine.ts';
import { renderProve, type ProveResult } from '../../engine/prove.ts';

/**
 * `engine prove` on setups that do not apply to a drill: they are not run, and count neither as
 * caught nor as missed; when none applies, nothing was proven and the command exits 2. (The
 * tutorial's drill against all six setups: test/e2e/prove.test.ts.)
 */
const test = suite('prove');

const caught: ProveResult = {
  setup: 'ttl-one-day',
  title: 'TTL 86,400 on the failover records',
  caught: true,
  runId: 'r1',
  status: 'breached',
  exitCode: 4,
  failedObjectives: ['failover RTO not measured ≤ 120 s  FAIL'],
  compensatedCleanly: true,
};
const notApplicable: ProveResult = {
  setup: 'fault-not-applied',
  title: 'FIS fault not applied',
  caught: false,
  notApplicable: 'no startExperiment step',
  failedObjectives: [],
  compensatedCleanly: true,
};

test('a setup that does not apply reads N/A and is left out of the count, not reported as missed', () => {
  const text = renderProve([caught, notApplicable]);
  assert.match(text, /^ {2}fault-not-applied {2}N\/A {5}not applicable: no startExperiment step$/m);
  assert.match(text, /\n1\/1 broken setups caught; not applicable to this drill, so not tried: fault-not-applied\n$/);
  assert.not.match(text, /MISSED|not caught/);
});

test('a missed setup is still named as missed beside the ones that do not apply', () => {
  const missed: ProveResult = { ...caught, setup: 'no-secondary', title: 'no SECONDARY record', caught: false, failedObjectives: [] };
  const text = renderProve([missed, notApplicable]);
  assert.match(text, /^ {2}no-secondary {7}MISSED {2}breached \(exit 4\); every objective passed$/m);
  assert.match(
    text,
    /\n0\/1 broken setups caught; not caught by the drill's objectives: no-secondary \(no SECONDARY record\); not applicable to this drill, so not tried: fault-not-applied\n$/,
  );
});

test('engine prove on a drill that no setup applies to: nothing is run, exit 2, and it says what prove can break', async () => {
  const dir = tmp('prove-na-');
  const file = join(dir, 'dns-only.yaml');
  writeFileSync(
    file,
    `name: dns-only
steps:
  - { id: zone, type: createZone, params: { name: shop.example } }
objectives:
  expect:
    - { name: zone made, that: "steps.zone.outputs.zoneId != ''" }
`,
  );
  const r = await runCli(['prove', file, '--state-dir', join(dir, 'state')]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stdout, /^ {2}health-check-missing {2}N\/A {2}not applicable: no upsertFailoverRecords step$/m);
  assert.match(r.stdout, /^0\/0 broken setups caught; not applicable to this drill, so not tried: health-check-missing, /m);
  assert.match(r.stderr, /engine: none of the broken setups applies to this drill, so nothing was proven: /);
  assert.match(r.stderr, /engine prove breaks failover records \(upsertFailoverRecords\)/);
  assert.not.match(r.stderr, /MISSED/);
});

test.run();
