import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseExpression, resolveTemplates, type TemplateContext } from '../../engine/template.ts';
import { TemplateError } from '../../engine/errors.ts';

const template = suite('template');

const ctx: TemplateContext = {
  inputs: { region: 'eu-central-1', count: 3, flag: false, 'with-dash': 'ok' },
  steps: { a: { outputs: { n: 42, obj: { k: [1, 2] }, list: ['x', 'y'], nil: null } } },
  env: { HOME_REGION: 'us-east-1' },
  target: { endpoint: 'http://127.0.0.1:4566', port: 4566 },
  run: { id: 'r1' },
};

template('a whole-value expression keeps its type', () => {
  assert.is(resolveTemplates('${{ steps.a.outputs.n }}', ctx), 42);
  assert.equal(resolveTemplates('${{ steps.a.outputs.obj }}', ctx), { k: [1, 2] });
  assert.is(resolveTemplates('  ${{ inputs.flag }} ', ctx), false);
  assert.is(resolveTemplates('${{ steps.a.outputs.nil }}', ctx), null);
  assert.is(resolveTemplates('${{ target.port }}', ctx), 4566);
});

template('string interpolation otherwise', () => {
  assert.is(resolveTemplates('n=${{ steps.a.outputs.n }}', ctx), 'n=42');
  assert.is(resolveTemplates('${{ run.id }}-${{ env.HOME_REGION }}', ctx), 'r1-us-east-1');
  assert.is(resolveTemplates('o=${{ steps.a.outputs.obj }}', ctx), 'o={"k":[1,2]}');
  assert.is(resolveTemplates('no template', ctx), 'no template');
});

template('paths index arrays and quoted keys', () => {
  assert.is(resolveTemplates('${{ steps.a.outputs.list[1] }}', ctx), 'y');
  assert.is(resolveTemplates('${{ steps.a.outputs.obj.k[0] }}', ctx), 1);
  assert.is(resolveTemplates("${{ inputs['with-dash'] }}", ctx), 'ok');
});

template('nested structures resolve recursively; undefined whole values drop the key', () => {
  assert.equal(resolveTemplates({ a: ['${{ inputs.count }}', { b: '${{ inputs.region }}' }], gone: '${{ inputs.nope }}', keep: 1 }, ctx), {
    a: [3, { b: 'eu-central-1' }],
    keep: 1,
  });
});

template('interpolating undefined is an error', () => {
  assert.throws(
    () => resolveTemplates('x-${{ steps.zz.outputs.n }}', ctx),
    (e: unknown) => e instanceof TemplateError && /resolved to undefined/.test((e as Error).message),
  );
});

template('negation and comparisons with literals', () => {
  assert.is(resolveTemplates('${{ !inputs.flag }}', ctx), true);
  assert.is(resolveTemplates("${{ inputs.region == 'eu-central-1' }}", ctx), true);
  assert.is(resolveTemplates('${{ inputs.count != 3 }}', ctx), false);
  assert.is(resolveTemplates('${{ steps.a.outputs.nil == null }}', ctx), true);
});

template('no code execution: unknown roots, calls and prototype walks are rejected or undefined', () => {
  assert.throws(
    () => parseExpression('process.exit(1)'),
    (e: unknown) => e instanceof TemplateError,
  );
  assert.throws(
    () => parseExpression('globalThis'),
    (e: unknown) => e instanceof TemplateError,
  );
  assert.throws(
    () => parseExpression('inputs.a + 1'),
    (e: unknown) => e instanceof TemplateError,
  );
  assert.is(resolveTemplates('${{ inputs.constructor }}', ctx), undefined);
  assert.is(resolveTemplates('${{ inputs.__proto__ }}', ctx), undefined);
  assert.is(resolveTemplates('${{ steps.a.outputs.list.length }}', ctx), 2, 'own properties only');
});

template('malformed expressions', () => {
  assert.throws(() => resolveTemplates('${{ }}', ctx), /empty expression/);
  assert.throws(() => resolveTemplates('${{ inputs.x', ctx), /unterminated/);
  assert.throws(() => parseExpression('inputs..x'), /invalid path/);
});

template.run();
