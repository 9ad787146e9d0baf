/**
 * `healthcheck`: GET /healthcheck, the target of the Route 53 health check.
 * Native rewrite of the tutorial's `healthcheck.py`.
 *
 * Always 200 with body `{"message": "Success"}`: Python `json.dumps` spacing
 * (a space after the colon), which `JSON.stringify` would not produce, so the
 * body is a literal. It touches no AWS service: during the drill it fails
 * only because API Gateway's Lambda Invoke is faulted.
 */
import type { ApiGatewayProxyEvent, ApiGatewayProxyResult } from './types.ts';

export const HEALTHY_BODY = '{"message": "Success"}';

export async function handler(_event?: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> {
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: HEALTHY_BODY };
}
