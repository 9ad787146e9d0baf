import * as assert from 'uvu/assert';
import { AWS_CLI, awsCli, cliTest } from '../helpers/awsCli.ts';
import { cliPython } from '../helpers/AwsCliServer.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * The CLI tests send their commands to long-lived CLI processes (test/helpers/AwsCliServer.ts).
 * Those must answer exactly as /usr/bin/aws run from a shell: the same exit code, stdout and
 * stderr, for a success, an AWS error and a usage error, against the same emulator.
 */
const test = emulatorSuite('emulator/awsCliServer');

const COMMANDS: Array<{ what: string; args: string[]; code: number }> = [
  { what: 'a success', args: ['route53', 'list-hosted-zones'], code: 0 },
  { what: 'an AWS error', args: ['route53', 'get-hosted-zone', '--id', 'ZNOSUCHZONE'], code: 254 },
  { what: 'a usage error', args: ['route53', 'get-hosted-zone', '--no-such-option'], code: 252 },
];

cliTest(test)('a long-lived CLI process answers each command exactly as a CLI process of its own', async (ctx) => {
  assert.ok(cliPython(AWS_CLI), `${AWS_CLI} is run by a Python named on its first line`);
  const created = await awsCli(ctx.emu.endpoint, [
    'route53',
    'create-hosted-zone',
    '--name',
    'cli.example.test',
    '--caller-reference',
    'c1',
  ]);
  assert.is(created.code, 0, created.stderr);
  for (const { what, args, code } of COMMANDS) {
    const own = await awsCli(ctx.emu.endpoint, args, { ownProcess: true });
    const served = await awsCli(ctx.emu.endpoint, args);
    assert.is(own.code, code, `${what}: ${own.stderr}`);
    assert.equal(served, own, what);
  }
});

test.run();
