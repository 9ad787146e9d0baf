import {
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  type APIGatewayClient,
  type PutIntegrationCommandInput,
  type PutMethodCommandInput,
} from '@aws-sdk/client-api-gateway';

/** One method of an API Gateway resource. */
export type MethodRef = Pick<PutMethodCommandInput, 'restApiId' | 'resourceId' | 'httpMethod'>;

/** The integration URI that invokes a Lambda function from an API in `region`. */
export const lambdaInvocationUri = (region: string, functionArn: string): string =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;

/**
 * PutMethod (no authorization), then an AWS_PROXY PutIntegration to `uri`, called with POST as
 * AWS requires; `extra` overrides or adds integration fields (a timeout, another method).
 */
export async function putLambdaProxy(
  client: APIGatewayClient,
  method: MethodRef,
  uri: string,
  extra: Partial<PutIntegrationCommandInput> = {},
): Promise<void> {
  await client.send(new PutMethodCommand({ ...method, authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({ ...method, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri, ...extra }));
}

/**
 * PutMethod (no authorization), a MOCK integration whose request template selects
 * `statusCode`, that status as a method response, and an integration response rendering
 * `responseTemplate` (application/json).
 */
export async function putMock(client: APIGatewayClient, method: MethodRef, responseTemplate: string, statusCode = '200'): Promise<void> {
  await client.send(new PutMethodCommand({ ...method, authorizationType: 'NONE' }));
  await client.send(
    new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': `{"statusCode": ${statusCode}}` } }),
  );
  await client.send(new PutMethodResponseCommand({ ...method, statusCode }));
  await client.send(
    new PutIntegrationResponseCommand({ ...method, statusCode, responseTemplates: { 'application/json': responseTemplate } }),
  );
}
