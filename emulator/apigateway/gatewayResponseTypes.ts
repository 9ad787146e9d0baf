/**
 * API Gateway's gateway response types with their default status codes (DEFAULT_4XX and
 * DEFAULT_5XX have none: they stand for every 4xx/5xx type not customised on its own), and
 * the error type each reports in `x-amzn-ErrorType`. Data table.
 */
export const GATEWAY_RESPONSE_TYPES: Readonly<Record<string, { status?: number; errorType: string }>> = {
  ACCESS_DENIED: { status: 403, errorType: 'AccessDeniedException' },
  API_CONFIGURATION_ERROR: { status: 500, errorType: 'InternalServerErrorException' },
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, errorType: 'AuthorizerConfigurationException' },
  AUTHORIZER_FAILURE: { status: 500, errorType: 'AuthorizerFailureException' },
  BAD_REQUEST_BODY: { status: 400, errorType: 'BadRequestException' },
  BAD_REQUEST_PARAMETERS: { status: 400, errorType: 'BadRequestException' },
  DEFAULT_4XX: { errorType: 'BadRequestException' },
  DEFAULT_5XX: { errorType: 'InternalServerErrorException' },
  EXPIRED_TOKEN: { status: 403, errorType: 'ExpiredTokenException' },
  INTEGRATION_FAILURE: { status: 504, errorType: 'InternalServerErrorException' },
  INTEGRATION_TIMEOUT: { status: 504, errorType: 'InternalServerErrorException' },
  INVALID_API_KEY: { status: 403, errorType: 'ForbiddenException' },
  INVALID_SIGNATURE: { status: 403, errorType: 'InvalidSignatureException' },
  MISSING_AUTHENTICATION_TOKEN: { status: 403, errorType: 'MissingAuthenticationTokenException' },
  QUOTA_EXCEEDED: { status: 429, errorType: 'LimitExceededException' },
  REQUEST_TOO_LARGE: { status: 413, errorType: 'RequestTooLargeException' },
  RESOURCE_NOT_FOUND: { status: 404, errorType: 'ResourceNotFoundException' },
  THROTTLED: { status: 429, errorType: 'TooManyRequestsException' },
  UNAUTHORIZED: { status: 401, errorType: 'UnauthorizedException' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, errorType: 'UnsupportedMediaTypeException' },
  WAF_FILTERED: { status: 403, errorType: 'WAFFilteredException' },
};

/** The template every default gateway response renders. */
export const DEFAULT_GATEWAY_TEMPLATE = '{"message":$context.error.messageString}';
