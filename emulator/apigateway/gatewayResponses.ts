import type { EmulatorResponse } from '../types.ts';

/**
 * The data plane's own answers (API Gateway "gateway responses"): a JSON `{"message": ...}`
 * body with the error type in `x-amzn-ErrorType`, as AWS sends them (default response
 * template `{"message":$context.error.messageString}`, localstack `gateway_response.py`).
 */
export function gatewayResponse(status: number, errorType: string, message: string): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType },
    body: JSON.stringify({ message }),
  };
}

/** No resource/method matches, or the stage does not exist (localstack `resource_router.py`). */
export const missingAuthenticationToken = (): EmulatorResponse =>
  gatewayResponse(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');

/**
 * The integration failed: 502 for a malformed Lambda proxy response, a function error or a
 * failed invoke; 500 for a configuration error such as an AWS_PROXY integration whose
 * method is not POST (aws-emulation.md §4.3).
 */
export const internalServerError = (status: 500 | 502): EmulatorResponse =>
  gatewayResponse(status, 'InternalServerErrorException', 'Internal server error');

/** The integration did not answer within its `timeoutInMillis`. */
export const endpointTimedOut = (): EmulatorResponse =>
  gatewayResponse(504, 'InternalServerErrorException', 'Endpoint request timed out');

/** `disableExecuteApiEndpoint: true`. */
export const forbidden = (): EmulatorResponse => gatewayResponse(403, 'ForbiddenException', 'Forbidden');
