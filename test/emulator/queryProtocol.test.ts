import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../emulator/clock.ts';
import { FaultRegistry } from '../../emulator/faults.ts';
import { Gateway } from '../../emulator/gateway.ts';
import { createProtocol } from '../../emulator/protocol/index.ts';
import { ServiceError } from '../../emulator/protocol/ServiceError.ts';
import { createGatewayServer } from '../../emulator/server.ts';
import type { Operation, ServiceDescriptor } from '../../emulator/types.ts';
import { testClient } from '../helpers/clients.ts';

/**
 * The query protocol (STS, SNS, SQS, CloudWatch) needs no change to the gateway: a toy STS,
 * registered here only, answers the real STS client and raw form-encoded requests. Its
 * operations see model members (`Tags: [{Key, Value}]`), never the form.
 */
const test = suite<{ server: Server; base: string; sts: STSClient; faults: FaultRegistry }>('emulator/protocol/query');

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE = 'arn:aws:iam::000000000000:role/drill';

interface AssumeRoleInput extends Record<string, unknown> {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: string;
  Tags?: { Key: string; Value: string }[];
}

const operations: Operation[] = [
  {
    name: 'GetCallerIdentity',
    handler: (_input, ctx) => ({ UserId: 'AKIDTOY', Account: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:user/toy` }),
  },
  {
    name: 'AssumeRole',
    handler(input: AssumeRoleInput) {
      if (!input.RoleArn.startsWith('arn:')) throw new ServiceError('ValidationError', `${input.RoleArn} is invalid`);
      const tags = (input.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).join(',');
      return {
        Credentials: { AccessKeyId: 'ASIATOY', SecretAccessKey: 'secret', SessionToken: tags, Expiration: new Date(Date.UTC(2026, 0, 1)) },
        AssumedRoleUser: { AssumedRoleId: `AROATOY:${input.RoleSessionName}`, Arn: `${input.RoleArn}/${input.RoleSessionName}` },
        PackedPolicySize: Number(input.DurationSeconds ?? 0) / 60,
      };
    },
  },
  { name: 'Echo', handler: (input) => ({ Input: JSON.stringify(input) }) },
];

const toySts: ServiceDescriptor = {
  name: 'toysts',
  signingNames: ['sts'],
  protocol: { name: 'query', xmlNamespace: NS },
  operations,
};

test.before(async (ctx) => {
  ctx.faults = new FaultRegistry(new ManualClock());
  const gateway = new Gateway(ctx.faults, () => {});
  gateway.addService(toySts, createProtocol(toySts.protocol, toySts));
  ctx.server = createGatewayServer(gateway);
  await new Promise<void>((r) => ctx.server.listen(0, '127.0.0.1', r));
  ctx.base = `http://127.0.0.1:${(ctx.server.address() as AddressInfo).port}`;
  ctx.sts = testClient(STSClient, ctx.base);
});
test.after(async (ctx) => {
  ctx.sts.destroy();
  await new Promise<void>((r) => {
    ctx.server.close(() => r());
    ctx.server.closeAllConnections();
  });
});

async function stsError(promise: Promise<unknown>): Promise<STSServiceException> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof STSServiceException) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

function post(base: string, body: string): Promise<{ status: number; type: string | undefined; body: string }> {
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x',
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL('/', base), { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the real STS client reads a <XResponse><XResult> answer', async ({ sts }) => {
  const out = await sts.send(new GetCallerIdentityCommand({}));
  assert.is(out.Account, '000000000000');
  assert.is(out.Arn, 'arn:aws:iam::000000000000:user/toy');
  assert.is(out.UserId, 'AKIDTOY');
  assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
});

test('form members arrive as model members: scalars, and `Tags.member.N.Key` as a list', async ({ sts }) => {
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: ROLE,
      RoleSessionName: 'drill-1',
      DurationSeconds: 900,
      Tags: [
        { Key: 'team', Value: 'sre' },
        { Key: 'run', Value: 'r1' },
      ],
    }),
  );
  assert.is(out.AssumedRoleUser?.Arn, `${ROLE}/drill-1`);
  assert.is(out.Credentials?.SessionToken, 'team=sre,run=r1');
  assert.equal(out.Credentials?.Expiration, new Date(Date.UTC(2026, 0, 1)));
  assert.is(out.PackedPolicySize, 15);
});

test('a ServiceError reaches the client as its code and message; an unlisted action is a 501 naming it', async ({ sts }) => {
  const invalid = await stsError(sts.send(new AssumeRoleCommand({ RoleArn: 'drill', RoleSessionName: 's' })));
  assert.is(invalid.name, 'ValidationError');
  assert.is(invalid.message, 'drill is invalid');
  assert.is(invalid.$metadata.httpStatusCode, 400);

  const missing = await stsError(sts.send(new GetSessionTokenCommand({})));
  assert.is(missing.$metadata.httpStatusCode, 501);
  assert.is(missing.message, "The operation 'GetSessionToken' of service 'toysts' is not implemented by this emulator");
});

test('the wire: form in, XML envelope out; errors in <ErrorResponse> with <Type>Sender</Type>', async ({ base }) => {
  const ok = await post(base, 'Action=GetCallerIdentity&Version=2011-06-15');
  assert.is(ok.status, 200);
  assert.is(ok.type, 'text/xml');
  assert.match(
    ok.body,
    `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><UserId>AKIDTOY</UserId><Account>000000000000</Account>` +
      '<Arn>arn:aws:iam::000000000000:user/toy</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>',
  );

  const bad = await post(base, 'Action=AssumeRole&Version=2011-06-15&RoleArn=x&RoleSessionName=s');
  assert.is(bad.status, 400);
  assert.match(
    bad.body,
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>x is invalid</Message></Error><RequestId>`,
  );

  const noAction = await post(base, 'Version=2011-06-15');
  assert.is(noAction.status, 400);
  assert.match(noAction.body, '<Code>MissingAction</Code>');
});

test('form decoding: numbered lists in number order, member and entry wrappers dropped, unsafe keys ignored', async ({ base }) => {
  const form = [
    'Action=Echo',
    'Version=2011-06-15',
    'Name=n',
    'Ids.member.2=b',
    'Ids.member.10=c',
    'Ids.member.1=a',
    'Attributes.entry.1.key=k',
    'Attributes.entry.1.value=v',
    'Flat.1.Id=x',
    '__proto__.polluted=yes',
    'A.constructor.prototype=no',
  ].join('&');
  const res = await post(base, form);
  assert.is(res.status, 200);
  const input = /<Input>(.*)<\/Input>/.exec(res.body)?.[1]?.replaceAll('&quot;', '"');
  assert.equal(JSON.parse(input ?? 'null'), {
    Name: 'n',
    Ids: ['a', 'b', 'c'],
    Attributes: [{ key: 'k', value: 'v' }],
    Flat: [{ Id: 'x' }],
  });
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test('the one fault check applies to query services like any other', async ({ sts, faults }) => {
  const rule = {
    service: 'toysts',
    operation: 'GetCallerIdentity',
    percentage: 100,
    effect: { kind: 'error' as const, status: 503, code: 'ServiceUnavailable', message: 'injected' },
    owner: 'test',
  };
  faults.add(rule);
  try {
    const err = await stsError(sts.send(new GetCallerIdentityCommand({})));
    assert.is(err.name, 'ServiceUnavailable');
    assert.is(err.$metadata.httpStatusCode, 503);
  } finally {
    faults.remove(rule);
  }
  assert.is((await sts.send(new GetCallerIdentityCommand({}))).Account, '000000000000');
});

test.run();
