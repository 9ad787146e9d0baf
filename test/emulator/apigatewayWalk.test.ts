import * as assert from 'uvu/assert';
import * as sdk from '@aws-sdk/client-api-gateway';
import { CreateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { apigatewayClient } from '../helpers/clients.ts';
import { emulatorSuite } from '../helpers/emulatorSuite.ts';

/**
 * Every operation the installed @aws-sdk/client-api-gateway offers (its `*Command` classes),
 * sent with a minimal input against a real API: each answers a success, a modelled AWS error
 * (4xx with one of the API's error codes), or 501 naming the operation — never a routing 404,
 * a 405 or a 500 for an operation AWS has.
 */

const test = emulatorSuite('emulator/apigateway walk');

/** The API's modelled errors, plus the coral ValidationException every AWS JSON service sends. */
const MODELLED = new Set([
  'BadRequestException',
  'ConflictException',
  'LimitExceededException',
  'NotFoundException',
  'ServiceUnavailableException',
  'TooManyRequestsException',
  'UnauthorizedException',
  'ValidationException',
]);

type CommandClass = new (input: Record<string, unknown>) => Parameters<sdk.APIGatewayClient['send']>[0];

function commands(): [string, CommandClass][] {
  return Object.entries(sdk)
    .filter(([name, value]) => /^[A-Z][A-Za-z]+Command$/.test(name) && typeof value === 'function')
    .map(([name, value]) => [name.slice(0, -'Command'.length), value as unknown as CommandClass]);
}

test('every SDK operation answers success, a modelled error, or 501 naming it', async (ctx) => {
  const client = apigatewayClient(ctx.emu);
  const api = await client.send(new CreateRestApiCommand({ name: 'walk' }));
  // Every path label any operation has, so that the SDK can build each request.
  const input = {
    restApiId: api.id,
    resourceId: api.rootResourceId,
    parentId: api.rootResourceId,
    httpMethod: 'GET',
    statusCode: '200',
    stageName: 'prod',
    deploymentId: 'nope00',
    authorizerId: 'nope00',
    modelName: 'Empty',
    requestValidatorId: 'nope00',
    responseType: 'DEFAULT_4XX',
    exportType: 'oas30',
    sdkType: 'javascript',
    apiKey: 'nope00',
    usagePlanId: 'nope00',
    keyId: 'nope00',
    domainName: 'example.com',
    basePath: '(none)',
    clientCertificateId: 'nope00',
    documentationPartId: 'nope00',
    documentationVersion: '1',
    vpcLinkId: 'nope00',
    id: 'javascript',
    resourceArn: `arn:aws:apigateway:us-east-1::/restapis/${api.id}`,
    domainNameAccessAssociationArn: 'arn:aws:apigateway:us-east-1:000000000000:/domainnameaccessassociations/x',
    body: new TextEncoder().encode('{}'),
  };
  const all = commands();
  assert.ok(all.length >= 120, `the SDK exports ${all.length} commands`);
  const wrong: string[] = [];
  for (const [name, Command] of all) {
    try {
      await client.send(new Command({ ...input }));
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode ?? 0;
      if (status === 501 && e.message.includes(`'${name}'`)) continue;
      if (!(status >= 400 && status < 500 && status !== 405 && MODELLED.has(e.name)))
        wrong.push(`${name}: ${status} ${e.name} ${e.message}`);
    }
  }
  assert.equal(wrong, []);
});

test.run();
