import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { loadWorkflowFile } from '../../engine/load.ts';
import { workflowClaims } from '../../engine/lockClaims.ts';
import { ROOT, testRegistry, workflowFrom } from '../helpers/engine.ts';

/**
 * The names a run claims before it starts, from its steps' `claims(params)`: the drills claim
 * the zone, API ids, tables and functions they create; params from inputs are resolved; a name
 * that depends on another step's outputs is not known yet and is left out.
 */
const test = suite('engine/lockClaims');
const registry = testRegistry();
const context = (inputs: Record<string, unknown> = {}) => ({
  inputs,
  steps: {},
  env: {},
  secrets: {},
  target: { kind: 'endpoint' },
  run: { id: 'r' },
});

test('the tutorial drill claims the zone, both APIs, both tables and every function, per region', () => {
  const workflow = loadWorkflowFile(join(ROOT, 'workflows/route53-failover.yaml'), registry);
  const claims = workflowClaims(workflow, registry, context());
  assert.equal(
    claims.map((c) => `${c.stepId} ${c.key}`),
    [
      'standby restApiId:eu-central-1:67890',
      'standby table:eu-central-1:Products',
      'standby function:eu-central-1:get-product',
      'standby function:eu-central-1:add-product',
      'standby function:eu-central-1:healthcheck',
      'primary restApiId:us-east-1:12345',
      'primary table:us-east-1:Products',
      'primary function:us-east-1:get-product',
      'primary function:us-east-1:add-product',
      'primary function:us-east-1:healthcheck',
      'primary function:us-east-1:dynamodb-streams-to-lambda',
      'zone zone:hello-localstack.com',
    ],
  );
});

test('the DNS drill and the tutorial drill overlap: same zone, same API id and table in us-east-1', () => {
  const keys = (file: string) =>
    new Set(workflowClaims(loadWorkflowFile(join(ROOT, file), registry), registry, context()).map((c) => c.key));
  const dns = keys('workflows/dns-failover.yaml');
  const tutorial = keys('workflows/route53-failover.yaml');
  const shared = [...dns].filter((k) => tutorial.has(k));
  assert.ok(
    shared.includes('zone:hello-localstack.com') &&
      shared.includes('restApiId:us-east-1:12345') &&
      shared.includes('table:us-east-1:Products'),
    shared.join(', '),
  );
});

test('inputs are resolved; names from other steps’ outputs are left out; names are compared without case', () => {
  const workflow = workflowFrom(`name: t
inputs:
  zoneName: { type: string, default: Example.TEST }
steps:
  - { id: a, type: createZone, params: { name: "\${{ inputs.zoneName }}" } }
  - { id: b, type: createZone, params: { name: "\${{ steps.a.outputs.name }}" } }
  - { id: c, type: createZone, params: { name: "x.\${{ steps.a.outputs.name }}" } }
  - { id: d, type: createZone, params: { name: example.test } }
`);
  const claims = workflowClaims(workflow, registry, context({ zoneName: 'Example.TEST' }));
  assert.equal(
    claims.map((c) => `${c.stepId} ${c.key}`),
    ['a zone:example.test'],
  );
});

test.run();
