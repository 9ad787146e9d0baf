import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import setOutputs, { summarize } from '../../steps/setOutputs.ts';
import { stepContext } from '../helpers/emulatorTarget.ts';
import { noTarget } from '../helpers/noTarget.ts';
import { runStep, testStep } from '../helpers/testStep.ts';

const test = suite('steps/setOutputs');

testStep(test, setOutputs, {
  valid: [{}, { values: { url: 'http://x', n: 3 } }, { aggregate: { ms: [1, 2, 3] } }],
  invalid: [
    { params: { values: 3 }, errors: ['/values: must be object'] },
    { params: { aggregate: { ms: 4 } }, errors: ['/aggregate/ms: must be array'] },
    { params: { other: 1 }, errors: ['/: must NOT have additional properties'] },
  ],
  runThenRollback: { noRollback: 'publishing values changes nothing' },
});

test('values are copied; numeric aggregates get min, p50, p95 and max (nearest rank); others only values', async () => {
  const out = await runStep(
    setOutputs,
    { values: { a: 'x' }, aggregate: { ms: [40, 10, 30, 20], names: ['a', 'b'] } },
    stepContext(noTarget),
  );
  assert.equal(out, { a: 'x', ms: { values: [40, 10, 30, 20], min: 10, p50: 20, p95: 40, max: 40 }, names: { values: ['a', 'b'] } });
});

test('p95 of 1..100 is 95, p50 is 50; one value is every statistic', () => {
  const hundred = summarize(Array.from({ length: 100 }, (_, i) => 100 - i));
  assert.equal([hundred['min'], hundred['p50'], hundred['p95'], hundred['max']], [1, 50, 95, 100]);
  assert.equal(summarize([7]), { values: [7], min: 7, p50: 7, p95: 7, max: 7 });
  assert.equal(summarize([]), { values: [] });
});

test.run();
