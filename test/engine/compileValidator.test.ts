import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ErrorObject } from 'ajv';
import { compileValidator } from '../../engine/compileValidator.ts';
import { envelopeSchema } from '../../engine/load.ts';
import type { JsonSchema } from '../../engine/types.ts';
import { steps } from '../../steps/all.ts';

/** What a validation says: the verdict, every error, and the params after defaults were applied. */
function outcome(schema: JsonSchema, cacheDir: string, input: unknown) {
  const validate = compileValidator(schema, cacheDir);
  const data = structuredClone(input);
  const valid = validate(data);
  const errors = (validate.errors ?? []).map((e: ErrorObject) => ({
    instancePath: e.instancePath,
    keyword: e.keyword,
    message: e.message,
    params: e.params,
    schema: e.schema,
    parentSchema: e.parentSchema,
    data: e.data,
  }));
  return { valid, errors, data };
}

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

// Inputs that exercise defaults, wrong types, unknown properties and missing required ones.
const INPUTS: unknown[] = [{}, { region: 42, extra: true }, { url: 'http://x', timeout: 'soon' }, 'not an object', []];

test('a kept validator says exactly what a fresh compile says, for every step type and the envelope', () => {
  const dir = tmp('validators-');
  const schemas: JsonSchema[] = [envelopeSchema(), ...steps.map((s) => s.params as JsonSchema)];
  const fresh = schemas.map((schema) => INPUTS.map((input) => outcome(schema, dir, input)));
  const written = readdirSync(dir).filter((f) => f.endsWith('.cjs'));
  assert.ok(written.length > 0 && written.length <= schemas.length, `kept ${written.length} of ${schemas.length}`);
  // Second pass: every validator now comes from the kept code.
  const kept = schemas.map((schema) => INPUTS.map((input) => outcome(schema, dir, input)));
  assert.equal(kept, fresh);
  assert.ok(
    fresh.flat().some((o) => !o.valid && o.errors.length > 0),
    'the inputs must produce errors, or the comparison proves nothing',
  );
});

test('the kept code is what the second load runs (a changed file changes the verdict)', () => {
  const dir = tmp('validators-');
  const schema: JsonSchema = { type: 'object', properties: { n: { type: 'number', default: 3 } }, required: ['n'] };
  assert.is(compileValidator(schema, dir)({ n: 'x' }), false);
  const [file] = readdirSync(dir);
  assert.ok(file, 'one file kept');
  // Replace the kept validator by one that accepts everything: the next load must use it.
  writeFileSync(join(dir, file!), 'module.exports = function validate() { return true; };');
  assert.is(compileValidator(schema, dir)({ n: 'x' }), true);
});

test('a damaged kept file is compiled afresh and replaced; defaults still apply', () => {
  const dir = tmp('validators-');
  const schema: JsonSchema = { type: 'object', properties: { n: { type: 'number', default: 3 } } };
  compileValidator(schema, dir);
  const [file] = readdirSync(dir);
  writeFileSync(join(dir, file!), 'this is not JavaScript {');
  const data: Record<string, unknown> = {};
  assert.is(compileValidator(schema, dir)(data), true);
  assert.equal(data, { n: 3 });
  assert.match(readFileSync(join(dir, file!), 'utf8'), /validate/);
});

test('an unwritable cache only costs time', () => {
  // A regular file where the cache's folder would be: nothing can be written below it.
  const blocked = join(tmp('validators-'), 'file');
  writeFileSync(blocked, '');
  const schema: JsonSchema = { type: 'string' };
  const validate = compileValidator(schema, join(blocked, 'validators'));
  assert.is(validate('a'), true);
  assert.is(validate(1), false);
  assert.is(readFileSync(blocked, 'utf8'), '');
});

test.run();
