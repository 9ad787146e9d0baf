import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorLogFile } from '../../engine/emulatorLogFile.ts';
import { tmp } from '../helpers/engine.ts';

const test = suite('engine/emulatorLogFile');

test('lines are masked and stamped, held in batches, and the file exists only once a line came', () => {
  const path = join(tmp(), 'runs', 'r1', 'emulator.log');
  const file = emulatorLogFile(
    path,
    (t) => t.replaceAll('hunter2', '***'),
    () => Date.UTC(2026, 0, 1, 0, 0, 5),
  );
  assert.not.ok(file.flush(), 'nothing logged, nothing written');
  assert.not.ok(existsSync(path));
  file.log('lambda get-product token=hunter2');
  assert.not.ok(existsSync(path), 'held until a batch fills or the run flushes');
  assert.ok(file.flush());
  assert.is(readFileSync(path, 'utf8'), '2026-01-01T00:00:05.000Z lambda get-product token=***\n');
  for (let i = 0; i < 256; i++) file.log(`line ${i}`);
  assert.is(readFileSync(path, 'utf8').trimEnd().split('\n').length, 257, 'a full batch is written without a flush');
});

test('a log that cannot be written is given up silently: the run does not depend on it', () => {
  // A state folder that is a file: no folder can be made below it (ENOTDIR).
  const blocked = join(tmp(), 'state');
  writeFileSync(blocked, 'not a folder');
  const file = emulatorLogFile(
    join(blocked, 'runs', 'r1', 'emulator.log'),
    (t) => t,
    () => 0,
  );
  file.log('x');
  assert.not.ok(file.flush());
  file.log('y');
  assert.not.ok(file.flush());
});

test.run();
