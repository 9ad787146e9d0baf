import type { EmulatorRequest } from '../types.ts';

/** Which API, stage and path an execute-api request is for. */
export interface ExecuteApiTarget {
  apiId: string;
  /** Undefined for a request to the bare host (`GET /`). */
  stage?: string;
  /** The raw (not percent-decoded) path after the stage, always starting with `/`. */
  path: string;
  /** The execute-api host name the caller used, or the canonical local one for path forms. */
  domainName: string;
}

/**
 * `<id>.execute-api.<anything>`, port and a trailing dot tolerated: dnspython's resolved CNAME
 * target keeps the dot (`12345.execute-api.localhost.localstack.cloud.:4566`, as the drill's
 * health check sends it), and real AWS names (`<id>.execute-api.<region>.amazonaws.com`) match too. The id is
 * `[^.]+` like localstack's `[^-]+` host rule, minus its VPC-endpoint suffix.
 */
const HOST_FORM = /^([^.]+)\.execute-api\.(.+?)\.?$/;
/** `/_aws/execute-api/<id>/<stage>/<path>` (localstack's current path form). */
const AWS_PATH_FORM = /^\/_aws\/execute-api\/([^/]+)(?:\/([^/]+))?(\/.*)?$/;
/** `/restapis/<id>/<stage>/_user_request_/<path>` (deprecated, still routed by localstack). */
const USER_REQUEST_FORM = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/.*)?$/;

/**
 * The three execute-api URL forms of docs/fidelity/apigateway.md (localstack
 * `apigateway/next_gen/execute_api/router.py`). Checked by a raw route, so before the
 * control-plane routes under `/restapis`.
 */
export function parseExecuteApiTarget(req: EmulatorRequest): ExecuteApiTarget | undefined {
  const host = hostName(req.headers['host'] ?? '');
  const byHost = HOST_FORM.exec(host);
  if (byHost) {
    const [, stage, rest] = /^\/([^/]+)(\/.*)?$/.exec(req.path) ?? [];
    return { apiId: byHost[1]!, stage, path: rest ?? '/', domainName: host };
  }
  const byPath = AWS_PATH_FORM.exec(req.path) ?? USER_REQUEST_FORM.exec(req.path);
  if (byPath) {
    const apiId = byPath[1]!;
    return { apiId, stage: byPath[2], path: byPath[3] ?? '/', domainName: `${apiId}.execute-api.localhost.localstack.cloud` };
  }
  return undefined;
}

/** The Host header without its port (IPv6 literals keep their brackets) and trailing dot, lowercased. */
function hostName(header: string): string {
  const withoutPort = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d*$/, '');
  return withoutPort.replace(/\.$/, '').toLowerCase();
}
