import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTargetSession, parseHostPort, targetOptionsFromRun, type TargetSession } from '../../engine/target.ts';
import { UsageError } from '../../engine/errors.ts';
import { Type } from '@sinclair/typebox';
import { defineStep } from '../../steps/define.ts';
import { StepRegistry } from '../../engine/registry.ts';
import { steps } from '../../steps/all.ts';
import { parseWorkflow } from '../../engine/load.ts';
import { runWorkflow } from '../../engine/run.ts';
import { testRegistry, tmp } from '../helpers/engine.ts';
import type { ClientConfig } from '../../engine/types.ts';
import { Agent, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';

const target = suite('target');

class FakeClient {
  constructor(readonly config: ClientConfig) {}
}

target('endpoint target builds clients with the endpoint and dummy credentials, cached per ctor+region', async () => {
  const session = createTargetSession({ endpoint: 'http://127.0.0.1:4566', dns: '127.0.0.1:5353' });
  const t = await session.acquire();
  const a = t.client(FakeClient, 'us-east-1');
  const { requestHandler, ...config } = a.config;
  assert.equal(config, {
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  assert.instance(requestHandler?.httpAgent, Agent, 'a keep-alive agent of its own on a plain-HTTP endpoint');
  assert.is(t.client(FakeClient, 'eu-central-1').config.requestHandler?.httpAgent, requestHandler?.httpAgent, 'one agent per target');
  assert.is(t.client(FakeClient, 'us-east-1'), a);
  assert.is.not(t.client(FakeClient, 'eu-central-1'), a);
  assert.equal(t.values, {
    kind: 'endpoint',
    endpoint: 'http://127.0.0.1:4566',
    host: '127.0.0.1',
    port: 4566,
    dnsHost: '127.0.0.1',
    dnsPort: 5353,
    timeScale: 1,
  });
});

target("an endpoint target's agent lets an idle connection go a second before the server's keep-alive timeout", async () => {
  const server = createServer((_req, res) => res.end('ok'));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const t = await createTargetSession({ endpoint: `http://127.0.0.1:${port}`, dns: '127.0.0.1:5353' }).acquire();
    const agent = t.client(FakeClient, 'us-east-1').config.requestHandler!.httpAgent!;
    await new Promise((resolve) => get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', resolve)));
    await new Promise((resolve) => setImmediate(resolve));
    // Node's agent honours the server's `Keep-Alive: timeout=5` only with a timeout of its own.
    assert.equal(
      Object.values(agent.freeSockets)
        .flat()
        .map((socket) => socket?.timeout),
      [4000],
    );
    agent.destroy();
  } finally {
    server.close();
  }
});

target('aws target uses the default credential chain', async () => {
  const t = await createTargetSession({ kind: 'aws' }).acquire();
  assert.equal(t.client(FakeClient, 'eu-central-1').config, { region: 'eu-central-1' });
});

target('bad target options are usage errors', () => {
  const bad = [
    { kind: 'mars' as never },
    { kind: 'aws' as const, endpoint: 'http://x:1' },
    { kind: 'endpoint' as const },
    { endpoint: 'localhost:4566' },
    { timeScale: 0 },
    { kind: 'aws' as const, timeScale: 5 },
  ];
  for (const options of bad)
    assert.throws(
      () => createTargetSession(options),
      (e: unknown) => e instanceof UsageError,
      JSON.stringify(options),
    );
  assert.equal(parseHostPort('[::1]:53'), { host: '::1', port: 53 });
  assert.throws(
    () => parseHostPort('nope'),
    (e: unknown) => e instanceof UsageError,
  );
});

function spySession(): TargetSession & { acquired: number } {
  const real = createTargetSession({ endpoint: 'http://127.0.0.1:9' });
  const spy = {
    ...real,
    acquired: 0,
    acquire: async () => {
      spy.acquired++;
      return real.acquire();
    },
  };
  return spy;
}

target('a workflow of generic steps never acquires the target; a step that needs AWS does', async () => {
  const aws = defineStep({
    type: 'awsThing',
    description: 'pretends to call AWS',
    params: Type.Object({}),
    outputs: Type.Object({ endpoint: Type.String() }),
    run: async (_, ctx) => ({ endpoint: String(ctx.target.values.endpoint) }),
  });
  const registry = new StepRegistry([...steps, aws]);
  const generic = spySession();
  const wf1 = parseWorkflow('name: g\nsteps:\n  - { id: w, type: wait, params: { ms: 0 } }\n', 'g.yaml', registry);
  assert.is((await runWorkflow({ workflow: wf1, registry, target: generic, stateDir: tmp(), fsync: false })).exitCode, 0);
  assert.is(generic.acquired, 0);
  const needs = spySession();
  const wf2 = parseWorkflow(
    'name: a\nsteps:\n  - { id: x, type: awsThing }\noutputs: { e: "${{ steps.x.outputs.endpoint }}" }\n',
    'a.yaml',
    registry,
  );
  const report = await runWorkflow({ workflow: wf2, registry, target: needs, stateDir: tmp(), fsync: false });
  assert.is(needs.acquired, 1);
  assert.equal(report.outputs, { e: 'http://127.0.0.1:9' });
});

target('only parsed ${{ target.* }} references start the target, not text like target.example.com', async () => {
  const registry = testRegistry();
  const text = spySession();
  const wf1 = parseWorkflow('name: t\nsteps:\n  - { id: a, type: record, params: { value: target.example.com } }\n', 't.yaml', registry);
  assert.is((await runWorkflow({ workflow: wf1, registry, target: text, stateDir: tmp(), fsync: false })).exitCode, 0);
  assert.is(text.acquired, 0);
  const ref = spySession();
  const wf2 = parseWorkflow(
    'name: t\nsteps:\n  - { id: a, type: record, params: { value: "${{ target.endpoint }}" } }\n',
    't.yaml',
    registry,
  );
  const report = await runWorkflow({ workflow: wf2, registry, target: ref, stateDir: tmp(), fsync: false });
  assert.is(report.exitCode, 0);
  assert.is(ref.acquired, 1);
});

target('close() during a pending embedded start stops the emulator once it is up', async () => {
  const session = createTargetSession({});
  const acquiring = session.acquire();
  try {
    await session.close();
    const t = await acquiring;
    const alive = await fetch(new URL('/_localstack/health', t.endpoint!), { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false,
    );
    assert.not.ok(alive, 'the emulator still answers after close()');
  } finally {
    await session.close();
  }
});

target("a run's journaled target maps back to target options (engine rollback without flags)", () => {
  const endpoint = createTargetSession({ endpoint: 'http://127.0.0.1:4566', dns: '127.0.0.1:5353' });
  assert.equal(targetOptionsFromRun(endpoint.describe()), { kind: 'endpoint', endpoint: 'http://127.0.0.1:4566', dns: '127.0.0.1:5353' });
  const ipv6 = createTargetSession({ endpoint: 'http://[::1]:4566', dns: '[::1]:53' });
  assert.equal(targetOptionsFromRun(ipv6.describe()), { kind: 'endpoint', endpoint: 'http://[::1]:4566', dns: '[::1]:53' });
  assert.equal(targetOptionsFromRun(createTargetSession({ endpoint: 'http://localhost:4566' }).describe()), {
    kind: 'endpoint',
    endpoint: 'http://localhost:4566',
  });
  assert.equal(targetOptionsFromRun(createTargetSession({ kind: 'aws' }).describe()), { kind: 'aws' });
  // An embedded run's emulator is gone with its process: nothing to reconnect to.
  assert.is(targetOptionsFromRun(createTargetSession({}).describe()), undefined);
  assert.is(targetOptionsFromRun({ kind: 'embedded', endpoint: 'http://127.0.0.1:1', dns: { host: '127.0.0.1', port: 2 } }), undefined);
  assert.is(targetOptionsFromRun(undefined), undefined);
  // What targetOptionsFromRun returns is accepted as is.
  assert.is(createTargetSession(targetOptionsFromRun(ipv6.describe())!).kind, 'endpoint');
});

target.run();
