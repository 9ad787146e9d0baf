import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeSteps } from '../../engine/stepsText.ts';
import { StepRegistry } from '../../engine/registry.ts';
import { steps } from '../../steps/all.ts';

const test = suite('engine steps (text)');
const text = describeSteps(new StepRegistry(steps).list());

test('an enum lists its values, with its default', () => {
  assert.match(text, '    type: one of CNAME, A, AAAA (default "CNAME")  Record type of all four record sets.\n');
  assert.match(text, '    requestInterval: one of 10, 30 (default 30)');
  assert.match(text, '    method: one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (default "GET")');
});

test("an object lists its fields below it; maps and arrays name their values' type", () => {
  assert.match(
    text,
    '    primary: object (required)  The primary member of the failover pair.\n      setIdentifier: string (required)  SetIdentifier of the primary alias, e.g. "12345".\n',
  );
  assert.match(text, '    headers: map of string (default {})  Request headers.');
  assert.match(text, '    expectStatus: integer or integer[]  Accepted status(es).');
  assert.match(text, '    path: string (required)  File to write; relative to the workflow file.');
});

test('every step type, its rollback and its outputs', () => {
  for (const def of steps) assert.match(text, new RegExp(`^${def.type}( |$)`, 'm'));
  assert.match(text, /^wait {2}\(no rollback\)$/m);
  assert.match(text, /^createZone$/m);
  assert.match(text, '  outputs: zoneId, name, nameServers, callerReference\n');
});

test.run();
