import type { EmulatorResponse } from '../types.ts';
import { GATEWAY_RESPONSE_TYPES } from './gatewayResponseTypes.ts';

/** Which gateway response type an answer of the data plane is, and its `$context.error.message`. */
export interface GatewayError {
  responseType: string;
  /** `null` renders as JSON null (the authorizer configuration error's `{"message": null}`). */
  message: string | null;
}

const errors = new WeakMap<EmulatorResponse, GatewayError>();

/** The gateway response type of a data-plane answer, if it is one of the gateway's own. */
export const gatewayErrorOf = (response: EmulatorResponse): GatewayError | undefined => errors.get(response);

/**
 * The data plane's own answers (API Gateway "gateway responses"): a JSON `{"message": ...}`
 * body with the error type in `x-amzn-ErrorType`, as AWS sends them (default response
 * template `{"message":$context.error.messageString}`). The API's customisations are applied
 * afterwards (`gatewayResponseRender.ts`), which is why each answer remembers its type.
 */
export function gatewayResponse(responseType: string, status: number, message: string | null, errorType?: string): EmulatorResponse {
  const response: EmulatorResponse = {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': errorType ?? GATEWAY_RESPONSE_TYPES[responseType]?.errorType ?? 'InternalServerErrorException',
    },
    body: JSON.stringify({ message }),
  };
  errors.set(response, { responseType, message });
  return response;
}

/** No resource/method matches, or the stage does not exist. */
export const missingAuthenticationToken = (): EmulatorResponse =>
  gatewayResponse('MISSING_AUTHENTICATION_TOKEN', 403, 'Missing Authentication Token');

/**
 * The integration failed: 502 for a malformed Lambda proxy response, a function error or a
 * failed invoke; 500 for a configuration error such as an AWS_PROXY integration whose
 * method is not POST (docs/fidelity/apigateway.md). Both are DEFAULT_5XX.
 */
export const internalServerError = (status: 500 | 502): EmulatorResponse =>
  gatewayResponse('DEFAULT_5XX', status, 'Internal server error', 'InternalServerErrorException');

/** The integration did not answer within its `timeoutInMillis`. */
export const endpointTimedOut = (): EmulatorResponse => gatewayResponse('INTEGRATION_TIMEOUT', 504, 'Endpoint request timed out');

/** `disableExecuteApiEndpoint: true`, or an API this endpoint does not serve. Not customisable. */
export const forbidden = (): EmulatorResponse => {
  const response = gatewayResponse('DEFAULT_4XX', 403, 'Forbidden', 'ForbiddenException');
  errors.delete(response);
  return response;
};

/** A Lambda authorizer's missing identity, failed validation expression, or `Unauthorized` error. */
export const unauthorized = (): EmulatorResponse => gatewayResponse('UNAUTHORIZED', 401, 'Unauthorized');

/** The authorizer's policy denies the call, explicitly or by not allowing it. */
export const accessDenied = (explicit: boolean): EmulatorResponse =>
  gatewayResponse('ACCESS_DENIED', 403, `User is not authorized to access this resource${explicit ? ' with an explicit deny' : ''}`);

/** The authorizer failed or answered something that is not a policy: AWS's `{"message": null}`. */
export const authorizerConfigurationError = (): EmulatorResponse => gatewayResponse('AUTHORIZER_CONFIGURATION_ERROR', 500, null);

export const badRequestParameters = (missing: readonly string[]): EmulatorResponse =>
  gatewayResponse('BAD_REQUEST_PARAMETERS', 400, `Missing required request parameters: [${missing.join(', ')}]`);

export const badRequestBody = (): EmulatorResponse => gatewayResponse('BAD_REQUEST_BODY', 400, 'Invalid request body');
