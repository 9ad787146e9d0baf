import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Test } from 'uvu';
import { AwsCliServer, cliPython, type CliOutcome } from './AwsCliServer.ts';

/** The AWS CLI v2; tests that drive it run only where it is installed, and are counted as skipped elsewhere. */
export const AWS_CLI = '/usr/bin/aws';
export const awsCliInstalled = existsSync(AWS_CLI);

/**
 * `test` where the AWS CLI is installed, else `test.skip`: a CLI test without the CLI shows in
 * the totals as skipped, never as passed (CI installs it: `.ci/run`).
 */
export function cliTest<T>(test: Test<T>): Test<T> | Test<T>['skip'] {
  return awsCliInstalled ? test : test.skip;
}

/** The exit code (0, 254 for an AWS error, 252 for a usage error) and output of one command. */
export type AwsCliResult = CliOutcome;

/**
 * Where /usr/bin/aws is a Python script (Debian's awscli 2.x, as CI installs it), commands run in
 * long-lived CLI processes (AwsCliServer.ts): the CLI's own entry point, arguments, environment,
 * requests and output, without ~0.6 s of CPU to start Python and import the CLI for each of the
 * suite's commands. FE_AWS_CLI_EXEC=1, or a CLI that is not a Python script, runs a process per
 * command instead.
 */
const python = process.env.FE_AWS_CLI_EXEC === '1' || !awsCliInstalled ? undefined : cliPython(AWS_CLI);
const servers: AwsCliServer[] = [];
// When the tests are done, the CLI processes end (and are waited for) before the test process does.
process.on('beforeExit', () => {
  for (const server of servers) server.close();
});

/** An idle CLI process, or a new one when every one is busy (commands sent side by side). */
function idleServer(interpreter: string): AwsCliServer {
  let server = servers.find((s) => !s.busy);
  if (!server) {
    server = new AwsCliServer(interpreter, AWS_CLI);
    servers.push(server);
  }
  return server;
}

export interface AwsCliOptions {
  region?: string;
  /** HOME for the CLI (its caches); by default the test process's. */
  home?: string;
  timeoutMs?: number;
  /** Run the command as a process of its own (/usr/bin/aws, as from a shell), not in a long-lived CLI process. */
  ownProcess?: boolean;
}

/**
 * Runs `aws --endpoint-url <endpoint> --region <region> --output json ...args` with the test
 * credentials and no config or credentials file, no pager; resolves with the exit code and
 * output whatever the exit code (it does not throw for a failed command).
 */
export function awsCli(endpoint: string, args: string[], options: AwsCliOptions = {}): Promise<AwsCliResult> {
  const region = options.region ?? 'us-east-1';
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: options.home ?? process.env['HOME'] ?? '/tmp',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: region,
    AWS_DEFAULT_OUTPUT: 'json',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  };
  const argv = ['--endpoint-url', endpoint, '--region', region, '--output', 'json', ...args];
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (python && !options.ownProcess) return idleServer(python).run(argv, env, timeoutMs);
  return new Promise((resolve) => {
    execFile(AWS_CLI, argv, { env, timeout: timeoutMs }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A failed {@link awsCliJson} command: its exit code and output. */
export class AwsCliError extends Error {
  constructor(
    readonly code: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`aws exited ${code}: ${stderr.trim()}`);
  }
}

/** Runs {@link awsCli} and parses its JSON output (`{}` when empty); an {@link AwsCliError} if the command fails. */
export async function awsCliJson(endpoint: string, args: string[], options: AwsCliOptions = {}): Promise<Record<string, unknown>> {
  const r = await awsCli(endpoint, args, options);
  if (r.code !== 0) throw new AwsCliError(r.code, r.stdout, r.stderr);
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
}
