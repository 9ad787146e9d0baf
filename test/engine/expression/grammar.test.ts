import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseExpression } from '../../../engine/expression/parser.ts';
import { evaluate, type ExpressionScope } from '../../../engine/expression/evaluate.ts';
import { explain } from '../../../engine/expression/explain.ts';
import { EVIDENCE_ROOTS } from '../../../engine/expression/ast.ts';
import { ExpressionError, MissingValueError } from '../../../engine/expression/expressionError.ts';
import { TemplateError } from '../../../engine/errors.ts';

const test = suite('expression grammar');

const scope: ExpressionScope = {
  inputs: { region: 'eu-central-1', n: 3, yes: true, no: false, word: 'false', arr: [10, 20], obj: { k: 'v' } },
  steps: { a: { outputs: { lagMs: 2400, name: 'x', nil: null } } },
  measures: { failover: { rto: 31_200, detection: null }, availability: { ttl: 0.994 } },
};
const run = (source: string) => evaluate(parseExpression(source, { roots: EVIDENCE_ROOTS }), scope);

function error(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected an error');
}

test('literals: strings, numbers, booleans, null, durations in ms, percentages as ratios', () => {
  assert.is(run("'a b'"), 'a b');
  assert.is(run('"q"'), 'q');
  assert.is(run('-2.5'), -2.5);
  assert.is(run('true'), true);
  assert.is(run('null'), null);
  assert.is(run('250ms'), 250);
  assert.is(run('60s'), 60_000);
  assert.is(run('1.5m'), 90_000);
  assert.is(run('2h'), 7_200_000);
  assert.is(run('99%'), 0.99);
  assert.is(run('0.1%'), 0.001);
});

test('comparisons: numbers against durations (milliseconds), strings against strings', () => {
  assert.is(run('steps.a.outputs.lagMs <= 2s'), false);
  assert.is(run('steps.a.outputs.lagMs <= 2.4s'), true);
  assert.is(run('measures.failover.rto < 1m'), true);
  assert.is(run('measures.failover.rto > 31200'), false);
  assert.is(run('measures.failover.rto >= 31200'), true);
  assert.is(run('measures.availability.ttl >= 99%'), true);
  assert.is(run("inputs.region > 'eu'"), true);
  assert.is(run("inputs.region == 'eu-central-1'"), true);
  assert.is(run('inputs.n != 3'), false);
  assert.is(run("inputs.n == '3'"), false, 'strict equality');
});

test('precedence as in JavaScript: ! over comparisons over == over && over ||; parentheses', () => {
  assert.is(run('true || false && false'), true, '&& binds tighter than ||');
  assert.is(run('(true || false) && false'), false);
  assert.is(run('!inputs.no == true'), true, '! applies to the operand, not the comparison');
  assert.is(run('1 < 2 == true'), true, 'relational binds tighter than equality');
  assert.is(run('!(1 < 2)'), false);
  assert.is(run('inputs.n > 2 && steps.a.outputs.lagMs < 3s || false'), true);
});

test('&& and || return an operand, with the template truthiness (the string false is false)', () => {
  assert.is(run("inputs.missing || 'default'"), 'default');
  assert.is(run("inputs.word || 'x'"), 'x');
  assert.is(run('inputs.n && inputs.region'), 'eu-central-1');
  assert.is(run('inputs.no && inputs.region'), false);
});

test('type errors are located at the operator, naming both operands', () => {
  const e = error(() => run('inputs.region < 60s'));
  assert.instance(e, ExpressionError);
  assert.is(
    e.message,
    "cannot compare inputs.region (string 'eu-central-1') with duration 60s using '<': it needs two numbers (durations and percentages are numbers) or two strings",
  );
  assert.is((e as ExpressionError).offset, 14);
  assert.match(error(() => run("'5' >= 3")).message, /cannot compare string '5' with number 3/);
  assert.match(error(() => run('true > false')).message, /cannot compare boolean true/);
});

test('a missing operand of an ordering comparison is a MissingValueError naming the path', () => {
  const e = error(() => run('measures.failover.detection <= 40s'));
  assert.instance(e, MissingValueError);
  assert.is((e as MissingValueError).path, 'measures.failover.detection');
  assert.is((e as MissingValueError).offset, 0);
  assert.instance(
    error(() => run('measures.nothing.here < 1')),
    MissingValueError,
  );
});

test('syntax errors: located, and the old messages kept', () => {
  const cases: Array<[string, RegExp, number | undefined]> = [
    ['inputs.n <', /expression 'inputs.n <' is incomplete/, undefined],
    ['inputs.n 3', /unexpected '3' in expression/, 9],
    ['inputs.n + 1', /cannot parse expression 'inputs.n \+ 1': unexpected '\+' at column 10/, 9],
    ['60sx > 1', /invalid number '60sx'.*duration unit/, 0],
    ['1 < 2 < 3', /comparisons do not chain.*'1 < 2 && \.\.\.'/, 6],
    ['(1 < 2', /missing '\)'/, undefined],
    ["'open", /unterminated string starting at column 1/, 0],
    ['inputs..x', /invalid path 'inputs..x'/, undefined],
    ['', /empty expression/, undefined],
  ];
  for (const [source, message, offset] of cases) {
    const e = error(() => parseExpression(source));
    assert.match(e.message, message, source);
    assert.is(e instanceof ExpressionError ? e.offset : undefined, offset, `offset of ${source}`);
  }
});

test('no code execution: calls, unknown roots, prototype walks and functions are rejected or undefined', () => {
  assert.match(error(() => parseExpression('inputs.toString()')).message, /unexpected '\(' in expression/);
  assert.match(error(() => parseExpression('process.exit(1)')).message, /unknown root 'process'/);
  assert.match(error(() => parseExpression('globalThis')).message, /unknown root 'globalThis'/);
  assert.match(
    error(() => parseExpression('measures.x')).message,
    /unknown root 'measures'.*expected one of inputs, steps, env, target, run, secrets\)/,
  );
  assert.match(error(() => parseExpression('constructor')).message, /unknown root 'constructor'/);
  assert.match(error(() => parseExpression('inputs[`x`]')).message, /invalid path/);
  assert.match(error(() => parseExpression('inputs.a; inputs.b')).message, /cannot parse/);
  assert.is(run('inputs.__proto__'), undefined);
  assert.is(run('inputs.constructor'), undefined);
  assert.is(run("inputs['__proto__']"), undefined);
  assert.is(run('inputs.obj.constructor.name'), undefined);
  assert.is(run('inputs.arr.length'), 2, "an array's length is its own data");
  assert.is(run('inputs.region.length'), undefined, 'strings are not walked');
  const hostile = JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
  assert.equal(
    evaluate(parseExpression('inputs.__proto__'), { inputs: hostile }),
    { polluted: 1 },
    'an own data key named __proto__ is plain data',
  );
  assert.is(({} as Record<string, unknown>).polluted, undefined, 'nothing was polluted');
});

test('explain prints operands in the unit of the literal they are compared with', () => {
  const ex = (source: string) => explain(parseExpression(source, { roots: EVIDENCE_ROOTS }), scope);
  assert.equal(ex('measures.failover.rto <= 60s'), { value: true, text: '31.2 s ≤ 60 s', left: 31_200, right: 60_000 });
  assert.is(ex('steps.a.outputs.lagMs <= 2s').text, '2.4 s ≤ 2 s');
  assert.is(ex('measures.availability.ttl >= 99%').text, '99.4% ≥ 99%');
  assert.is(ex('steps.a.outputs.lagMs < 2500ms').text, '2400 ms < 2500 ms');
  assert.is(ex("inputs.region == 'x'").text, "'eu-central-1' = 'x'");
  assert.is(ex('inputs.n > 2 && steps.a.outputs.lagMs < 2s').text, '3 > 2 && 2.4 s < 2 s');
  assert.is(ex('inputs.n > 5 && steps.a.outputs.lagMs < 2s').text, '3 > 5', 'short-circuit shows only what decided');
});

test.run();
