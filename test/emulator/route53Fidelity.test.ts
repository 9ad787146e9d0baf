import {
  CreateHostedZoneCommand,
  CreateReusableDelegationSetCommand,
  GetHostedZoneCommand,
  ListHostedZonesCommand,
  ListReusableDelegationSetsCommand,
  UpdateHostedZoneCommentCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import * as assert from 'uvu/assert';
import { MAX_ERROR_MESSAGE } from '../../emulator/protocol/xml.ts';
import { rejects, rejectsWith } from '../helpers/awsErrors.ts';
import { awsCli, cliTest } from '../helpers/awsCli.ts';
import { route53Client } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * Route 53 answers as AWS does or says 501 (docs/fidelity/route53.md): VPCs the emulator does
 * not have, reusable delegation sets, zone comments, and error documents that stay well-formed
 * XML whatever the request held.
 */
const test = emulatorSuite('route53/fidelity');

let r53: Route53Client;
test.before(({ emu }) => {
  r53 = route53Client(emu);
});
test.after(() => r53.destroy());

/** A character XML 1.0 cannot carry, even escaped. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

test('CreateHostedZone with a VPC the emulator does not know: 400 InvalidVPCId, and no zone', async () => {
  const create = r53.send(
    new CreateHostedZoneCommand({ Name: 'internal.example', CallerReference: 'vpc-1', VPC: { VPCId: 'vpc-0abc', VPCRegion: 'us-east-1' } }),
  );
  await rejectsWith(
    create,
    'InvalidVPCId',
    'The VPC vpc-0abc in region us-east-1 that you provided is not authorized to make the association.',
    400,
  );
  const zones = await r53.send(new ListHostedZonesCommand({}));
  assert.equal(zones.HostedZones, []);
});

test('HostedZoneConfig.PrivateZone without a VPC does not make a zone private: only a VPC does', async () => {
  const out = await r53.send(
    new CreateHostedZoneCommand({ Name: 'example.org', CallerReference: 'p1', HostedZoneConfig: { PrivateZone: true } }),
  );
  assert.equal(out.HostedZone!.Config, { PrivateZone: false });
  assert.is(out.DelegationSet!.NameServers!.length, 4);
});

test('ListReusableDelegationSets: an empty list with every required member; an unknown marker is InvalidInput', async () => {
  const out = await r53.send(new ListReusableDelegationSetsCommand({ MaxItems: 5 }));
  assert.is(out.$metadata.httpStatusCode, 200);
  assert.equal(out.DelegationSets ?? [], []);
  assert.is(out.IsTruncated, false);
  assert.is(out.MaxItems, 5);
  assert.is(out.Marker, '');
  await rejectsWith(
    r53.send(new ListReusableDelegationSetsCommand({ Marker: 'N1234' })),
    'InvalidInput',
    'Invalid value for marker: N1234',
    400,
  );
});

test('CreateReusableDelegationSet answers 501 naming the operation', async () => {
  await rejectsWith(
    r53.send(new CreateReusableDelegationSetCommand({ CallerReference: 'd1' })),
    'InternalFailure',
    "The operation 'CreateReusableDelegationSet' of service 'route53' is not implemented by this emulator",
    501,
  );
});

test('UpdateHostedZoneComment sets and (without Comment) deletes the comment; unknown zone is NoSuchHostedZone', async () => {
  const { HostedZone } = await r53.send(
    new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'c1', HostedZoneConfig: { Comment: 'old' } }),
  );
  const updated = await r53.send(new UpdateHostedZoneCommentCommand({ Id: HostedZone!.Id, Comment: 'new' }));
  assert.equal(updated.HostedZone!.Config, { Comment: 'new', PrivateZone: false });
  assert.is(updated.HostedZone!.Id, HostedZone!.Id);
  const cleared = await r53.send(new UpdateHostedZoneCommentCommand({ Id: HostedZone!.Id }));
  assert.equal(cleared.HostedZone!.Config, { PrivateZone: false });
  const got = await r53.send(new GetHostedZoneCommand({ Id: HostedZone!.Id }));
  assert.equal(got.HostedZone!.Config, { PrivateZone: false });
  await rejectsWith(
    r53.send(new UpdateHostedZoneCommentCommand({ Id: 'ZNOPE', Comment: 'x' })),
    'NoSuchHostedZone',
    'No hosted zone found with ID: ZNOPE',
    404,
  );
});

test('a 50 MB CreateHostedZone body: InvalidInput for the caller reference, in a small well-formed error', async () => {
  const huge = 'x'.repeat(50 * 1024 * 1024);
  const err = await rejects(r53.send(new CreateHostedZoneCommand({ Name: 'big.example', CallerReference: huge })));
  assert.is(err.name, 'InvalidInput');
  assert.is(err.$metadata.httpStatusCode, 400);
  assert.ok(err.message.startsWith("1 validation error detected: Value 'xxx"), err.message.slice(0, 80));
  assert.ok(err.message.length <= MAX_ERROR_MESSAGE + 3, `message of ${err.message.length} characters`);
});

test('a 50 MB body of control bytes: an InvalidInput error document that is well-formed XML', async ({ emu }) => {
  const body = Buffer.alloc(50 * 1024 * 1024, 1);
  const res = await fetch(`${emu.endpoint}/2013-04-01/hostedzone`, {
    method: 'POST',
    body,
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=0' },
  });
  const text = await res.text();
  assert.is(res.status, 400);
  assert.match(text, /<Code>InvalidInput<\/Code>/);
  assert.not.match(text, NOT_XML_CHAR);
  assert.ok(text.length < 4 * MAX_ERROR_MESSAGE, `error document of ${text.length} characters`);
});

/** POSTs a CreateHostedZone document whose CallerReference element holds `inner` as written. */
async function createZoneRaw(endpoint: string, inner: string): Promise<{ status: number; text: string }> {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">' +
    `<Name>big.example</Name><CallerReference>${inner}</CallerReference></CreateHostedZoneRequest>`;
  const res = await fetch(`${endpoint}/2013-04-01/hostedzone`, {
    method: 'POST',
    body,
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=0' },
  });
  return { status: res.status, text: await res.text() };
}

// Text nodes over 1 MB are cut before parsing (restXml.ts, TEXT_CAP): the cut must leave a
// well-formed document, so these get the length error, never "Invalid XML".
test('a 2 MB value with a character reference where it would be cut: still the length error', async ({ emu }) => {
  const MB = 1024 * 1024;
  for (const offset of [1, 3, 5, 9]) {
    const inner = `${'x'.repeat(MB - offset)}&amp;&#x41;${'y'.repeat(MB)}`;
    const { status, text } = await createZoneRaw(emu.endpoint, inner);
    assert.is(status, 400, text.slice(0, 300));
    assert.match(text, /<Code>InvalidInput<\/Code><Message>1 validation error detected: Value &apos;x/, `offset ${offset}`);
  }
});

test('a 2 MB CDATA section is read as written, not cut: the length error', async ({ emu }) => {
  const { status, text } = await createZoneRaw(emu.endpoint, `<![CDATA[a>${'z'.repeat(2 * 1024 * 1024)}]]>`);
  assert.is(status, 400, text.slice(0, 300));
  assert.match(text, /<Code>InvalidInput<\/Code><Message>1 validation error detected: Value &apos;a&gt;z/);
});

cliTest(test)('the AWS CLI (a strict XML parser) reads the error for a name holding a control character', async ({ emu }) => {
  const out = await awsCli(emu.endpoint, ['route53', 'create-hosted-zone', '--name', 'a\u0001b.example', '--caller-reference', 'cli-1']);
  assert.is(out.code, 254, out.stderr);
  // Before, the raw U+0001 went back inside <Message> and expat refused the whole answer.
  assert.is(
    out.stderr.trim(),
    'An error occurred (InvalidDomainName) when calling the CreateHostedZone operation: a\uFFFDb.example is not a valid domain name.',
  );
});

test.run();
