import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as registered from '../../steps/index.ts';
import { paramErrors } from '../helpers/validateParams.ts';

const test = suite('steps/registry');

test('every step type is exported under its own name from a file of that name', () => {
  const entries = Object.entries(registered);
  assert.ok(entries.length >= 14, `${entries.length} step types`);
  for (const [name, def] of entries) {
    assert.is(def.type, name, `steps/index.ts exports ${name} but its type is ${def.type}`);
    assert.ok(existsSync(new URL(`../../steps/${name}.ts`, import.meta.url)), `steps/${name}.ts exists`);
    assert.type(def.run, 'function');
    assert.ok(def.description.length > 10, `${name} has a description`);
    assert.is((def.params as { type?: string }).type, 'object', `${name} params schema is an object schema`);
  }
});

test('every registered step type has its own test file, and every test file a step type', () => {
  const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.test.ts') && f !== 'registry.test.ts');
  const tested = new Set(files.map((f) => f.replace('.test.ts', '')));
  const names = Object.keys(registered);
  for (const name of names) assert.ok(tested.has(name), `test/steps/${name}.test.ts exists`);
  for (const name of tested) assert.ok(names.includes(name), `test/steps/${name}.test.ts tests a registered step type`);
});

test('every step test runs the conformance suite: testStep(test, <its step>, ...)', () => {
  for (const name of Object.keys(registered)) {
    const source = readFileSync(new URL(`./${name}.test.ts`, import.meta.url), 'utf8');
    // The step is its file's default import, under its type's name (or `<name>Step` where the name is taken, as `assert` is).
    assert.match(
      source,
      new RegExp(`\\btestStep\\(test, ${name}(Step)?,`),
      `test/steps/${name}.test.ts calls testStep(test, ${name}, { valid, invalid, runThenRollback })`,
    );
  }
});

test('every step declares its outputs, and every schema default fits its own schema', () => {
  for (const [name, def] of Object.entries(registered)) {
    assert.is((def.outputs as { type?: string } | undefined)?.type, 'object', `${name} declares an outputs object schema`);
    const properties = (def.params as { properties?: Record<string, { default?: unknown }> }).properties ?? {};
    for (const [key, schema] of Object.entries(properties)) {
      if (schema.default === undefined) continue;
      assert.equal(
        paramErrors({ params: { type: 'object', properties: { [key]: schema } } }, { [key]: schema.default }),
        [],
        `${name}.${key} default`,
      );
    }
  }
});

test.run();
