import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { editorSchema } from '../../engine/editorSchema.ts';
import { envelopeSchema, parseWorkflow } from '../../engine/load.ts';
import { StepRegistry } from '../../engine/registry.ts';
import { WorkflowLoadError, formatIssue } from '../../engine/errors.ts';
import { steps } from '../../steps/all.ts';
import { ROOT } from '../helpers/engine.ts';

const schema = suite('schema');
const registry = new StepRegistry(steps);
const generated = editorSchema(envelopeSchema(), registry);

/**
 * The generated schema, checked against the draft-07 meta-schema and compiled by ajv in its default
 * strict mode: an unknown keyword is an error, so only the editors' enum annotations are declared
 * (ajv's type lints are only logged, and silenced here).
 */
function compileStrict(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, logger: false });
  ajv.addVocabulary(['enumDescriptions', 'markdownEnumDescriptions']);
  assert.ok(ajv.validateSchema(generated), ajv.errorsText(ajv.errors));
  return ajv.compile(generated);
}

function workflow(file: string): Record<string, any> {
  return parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, any>;
}

/** Where the editor schema finds problems (leaving out the `if` errors that only say a `then` failed). */
function rejected(validate: ValidateFunction, doc: unknown): string[] {
  assert.not.ok(validate(doc), 'the editor schema accepts it');
  return [...new Set((validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => e.instancePath))];
}

schema('the committed schemas/workflow.schema.json is the generated one', () => {
  const committed: unknown = JSON.parse(readFileSync(join(ROOT, 'schemas/workflow.schema.json'), 'utf8'));
  assert.equal(
    committed,
    generated,
    'schemas/workflow.schema.json is out of date: run `npm run schema` (after adding or changing a step type) and commit the result',
  );
});

schema('it is a valid draft-07 schema, with every step type and its params', () => {
  assert.is(generated.$schema, 'http://json-schema.org/draft-07/schema#');
  compileStrict();
  const definitions = generated.definitions as Record<string, any>;
  const types = registry.list().map((d) => d.type);
  assert.equal(definitions.stepType.enum, types);
  assert.equal(
    definitions.stepType.markdownEnumDescriptions,
    registry.list().map((d) => d.description),
  );
  assert.equal(
    definitions.paramsByType.allOf.map((rule: any) => rule.if.properties.type.const),
    types,
  );
  for (const type of types) assert.ok(definitions[`${type}Params`]?.properties, `definitions/${type}Params`);
  const own = registry.get('provisionRegion')!.params.properties as Record<string, { description: string }>;
  assert.is(
    definitions.provisionRegionParams.properties.replicateTo.description,
    own.replicateTo!.description,
    'params keep their descriptions',
  );
});

schema('the workflows validate against it, templates included', () => {
  const validate = compileStrict();
  const files = [
    ...readdirSync(join(ROOT, 'workflows')).map((f) => `workflows/${f}`),
    ...readdirSync(join(ROOT, 'workflows/examples')).map((f) => `workflows/examples/${f}`),
  ];
  const yamls = files.filter((f) => f.endsWith('.yaml'));
  assert.ok(yamls.includes('workflows/route53-failover.yaml'));
  for (const file of yamls) assert.ok(validate(workflow(file)), `${file}: ${JSON.stringify(validate.errors, null, 2)}`);
});

schema('it rejects a wrong param for the step type, as an editor would flag it', () => {
  const validate = compileStrict();
  const doc = workflow('workflows/route53-failover.yaml');
  const index = doc.steps.findIndex((s: any) => s.type === 'createHealthCheck');
  assert.ok(index >= 0);

  const interval = structuredClone(doc);
  interval.steps[index].params.requestInterval = 15;
  assert.equal(rejected(validate, interval), [`/steps/${index}/params/requestInterval`]);

  const threshold = structuredClone(doc);
  threshold.steps[index].params.failureThreshold = 'three';
  assert.equal(rejected(validate, threshold), [`/steps/${index}/params/failureThreshold`]);
  threshold.steps[index].params.failureThreshold = '${{ inputs.threshold }}';
  assert.ok(validate(threshold), 'a template stands for any value');

  const unknown = structuredClone(doc);
  unknown.steps[index].params.interval = 10;
  assert.equal(rejected(validate, unknown), [`/steps/${index}/params`]);

  const missing = structuredClone(doc);
  delete missing.steps[index].params;
  assert.equal(rejected(validate, missing), [`/steps/${index}`]);
});

schema('inside parallel branches and rollback overrides too; unknown types are rejected', () => {
  const validate = compileStrict();
  const doc = workflow('workflows/route53-failover.yaml');

  const branch = structuredClone(doc);
  branch.steps[0].parallel.primaryRegion[0].params.apiId = 12345;
  assert.equal(rejected(validate, branch), ['/steps/0/parallel/primaryRegion/0/params/apiId']);

  const override = structuredClone(doc);
  override.steps[1].rollback = { type: 'writeFile', params: { content: 'x' } };
  assert.equal(rejected(validate, override), ['/steps/1/rollback/params']);
  override.steps[1].rollback = { type: 'writeFile', params: { path: 'undo.txt' } };
  assert.ok(validate(override), JSON.stringify(validate.errors));
  override.steps[1].rollback = { type: 'writeFle' };
  assert.equal(rejected(validate, override), ['/steps/1/rollback/type']);

  const typo = structuredClone(doc);
  typo.steps[1].type = 'httpReqest';
  assert.equal(rejected(validate, typo), ['/steps/1/type']);
});

schema('the loader keeps its own messages: one per problem, located, no enum or if/then noise', () => {
  const yaml =
    'name: t\nsteps:\n  - id: a\n    type: createHealthChek\n    params: { fqdn: x }\n  - id: b\n    type: createHealthCheck\n    params: { fqdn: x, port: 80, resourcePath: /, requestInterval: 15 }\n';
  try {
    parseWorkflow(yaml, 'wf.yaml', registry);
    assert.unreachable('expected a WorkflowLoadError');
  } catch (error) {
    assert.instance(error, WorkflowLoadError);
    assert.equal((error as WorkflowLoadError).issues.map(formatIssue), [
      "wf.yaml:4:11: /steps/0/type: unknown step type 'createHealthChek' (did you mean 'createHealthCheck'?)",
      'wf.yaml:8:68: /steps/1/params/requestInterval: must be one of: 10, 30',
    ]);
  }
});

schema.run();
