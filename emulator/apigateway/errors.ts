import { ServiceError } from '../protocol/ServiceError.ts';
import { ACCOUNT_ID } from '../types.ts';

/**
 * API Gateway's control-plane errors with AWS's messages (localstack
 * `tests/aws/services/apigateway/test_apigateway_api.snapshot.json`, AWS-validated, and
 * `services/apigateway/legacy/provider.py`). Bodies are `{"message": ...}` with the code in
 * `x-amzn-ErrorType` (docs/fidelity/apigateway.md).
 */

export function apiNotFound(restApiId: string): ServiceError {
  return new ServiceError('NotFoundException', `Invalid API identifier specified ${ACCOUNT_ID}:${restApiId}`, { status: 404 });
}

export function notFound(message: string): ServiceError {
  return new ServiceError('NotFoundException', message, { status: 404 });
}

export const resourceNotFound = (): ServiceError => notFound('Invalid Resource identifier specified');
export const methodNotFound = (): ServiceError => notFound('Invalid Method identifier specified');
export const integrationNotFound = (): ServiceError => notFound('Invalid Integration identifier specified');
export const stageNotFound = (): ServiceError => notFound('Invalid Stage identifier specified');
export const deploymentNotFound = (): ServiceError => notFound('Invalid Deployment identifier specified');
export const responseNotFound = (): ServiceError => notFound('Invalid Response status code specified');

export function badRequest(message: string): ServiceError {
  return new ServiceError('BadRequestException', message, { status: 400 });
}

export function conflict(message: string): ServiceError {
  return new ServiceError('ConflictException', message, { status: 409 });
}

/**
 * A required member that is missing. The SDK v3 no longer validates required members
 * client-side, so the service must; the wording is AWS's generic coral validation message.
 */
export function missing(operationInput: string, member: string): ServiceError {
  return badRequest(
    `1 validation error detected: Value null at '${operationInput}.${member}' failed to satisfy constraint: Member must not be null`,
  );
}

/** A required string member, or the `missing` error. */
export function requireString(value: unknown, operationInput: string, member: string): string {
  if (typeof value !== 'string' || value === '') throw missing(operationInput, member);
  return value;
}

/**
 * A status code outside the model's `[1-5]\d\d` pattern: coral validation, before any lookup,
 * so a ValidationException rather than the NotFoundException of a missing response.
 */
export function checkStatusCode(statusCode: string): void {
  if (!/^[1-5]\d\d$/.test(statusCode)) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${statusCode}' at 'statusCode' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [1-5]\\d\\d',
      { status: 400 },
    );
  }
}

/** CUSTOM or COGNITO_USER_POOLS without an authorizer of this API. */
export const invalidAuthorizer = (): ServiceError =>
  badRequest(
    'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.',
  );

export const invalidValidator = (): ServiceError => badRequest('Invalid Request Validator identifier specified');
export const invalidModel = (name: string): ServiceError => badRequest(`Invalid model identifier specified: ${name}`);
