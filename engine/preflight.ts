import { Resolver } from 'node:dns/promises';
import { ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { EngineError, ErrorCode, errorMessage } from './errors.ts';
import { ZONE_DNS, workflowNeeds, workflowNeedsTarget, type StepNeed } from './stepServices.ts';
import { parseHostPort, TargetKind, type TargetOptions } from './target.ts';
import type { StepRegistry } from './registry.ts';
import type { HostPort } from './targetDescription.ts';
import type { Workflow } from './workflow.ts';

/**
 * Preflight: before the first step (and before a run folder exists), check that the target can
 * carry the workflow: the endpoint is reachable and speaks AWS, credentials are present and
 * accepted, the DNS server answers, and every service the steps need is there. A failure is one
 * {@link PreflightError} line (the CLI exits 2): nothing was created, so nothing needs rolling back.
 *
 * The embedded target is the engine's own emulator, started per run: nothing to check.
 */

/** How long each check may take: a closed port or a silent DNS server fails well within it. */
export const PREFLIGHT_TIMEOUT_MS = 2_000;

/** Editions whose DNS server answers Route 53 zones: the engine's emulator, LocalStack Pro. */
const ZONE_DNS_EDITIONS = ['failover-engine', 'pro', 'enterprise'];

/** Service statuses in LocalStack's health document that mean "there". */
const PRESENT = ['available', 'running', 'initialized'];

/** A target that cannot carry the workflow; nothing was created. */
export class PreflightError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: ErrorCode.PREFLIGHT });
    this.name = 'PreflightError';
  }
}

/** LocalStack's `/_localstack/health` (plus `engine serve`'s `dns` and `timeScale`). */
export interface HealthDocument {
  services?: Record<string, string>;
  edition?: string;
  /** `engine serve`'s DNS server; `{ state: 'starting' }` while its thread starts. */
  dns?: HostPort | { state: 'starting' };
  timeScale?: number;
}

/** What preflight learnt: the DNS server to use (given, or advertised by the endpoint). */
export interface PreflightResult {
  dns?: HostPort;
  /** True when `dns` came from the endpoint's health document. */
  dnsDiscovered: boolean;
  health?: HealthDocument;
}

/** Runs every check for `workflow` on the target `options` describe; throws {@link PreflightError}. */
export async function preflight(workflow: Workflow, registry: StepRegistry, options: TargetOptions): Promise<PreflightResult> {
  const kind = options.kind ?? (options.endpoint ? TargetKind.ENDPOINT : TargetKind.EMBEDDED);
  const given = options.dns === undefined ? undefined : parseHostPort(options.dns);
  if (kind === TargetKind.EMBEDDED || !workflowNeedsTarget(workflow, registry))
    return { ...(given ? { dns: given } : {}), dnsDiscovered: false };
  const needs = workflowNeeds(workflow);
  let health: HealthDocument | undefined;
  if (kind === TargetKind.ENDPOINT) {
    health = await healthOnceDnsListens(options.endpoint!);
    checkServices(needs, health, options.endpoint!);
  }
  const advertised =
    health?.dns && 'port' in health.dns && kind === TargetKind.ENDPOINT ? reachableHost(health.dns, options.endpoint!) : undefined;
  const dns = given ?? advertised;
  const dnsNeed = needs.find((n) => n.service === ZONE_DNS);
  if (dns) await checkDns(dns, given ? '--dns' : `the DNS server ${options.endpoint} advertises`);
  else if (dnsNeed && kind === TargetKind.ENDPOINT) {
    throw new PreflightError(
      `${describeNeed(dnsNeed)} queries the target's DNS server, but ${options.endpoint} advertises none: pass --dns HOST:PORT (LocalStack: its DNS_PORT, 53 by default)`,
    );
  }
  await checkCredentials(kind, options.endpoint);
  return { ...(dns ? { dns } : {}), dnsDiscovered: dns !== undefined && !given, ...(health ? { health } : {}) };
}

/**
 * The endpoint's health document once it names its DNS server: `engine serve` answers before
 * its DNS thread listens (tens of milliseconds), saying `dns: { state: 'starting' }` until then.
 * Asks again meanwhile, for at most the preflight timeout.
 */
async function healthOnceDnsListens(endpoint: string): Promise<HealthDocument | undefined> {
  const deadline = Date.now() + PREFLIGHT_TIMEOUT_MS;
  for (;;) {
    const health = await fetchHealth(endpoint);
    const starting = health?.dns !== undefined && 'state' in health.dns && health.dns.state === 'starting';
    if (!starting || Date.now() > deadline) return health;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The endpoint's health document; unreachable is an error, no document (not LocalStack) is not. */
export async function fetchHealth(endpoint: string): Promise<HealthDocument | undefined> {
  let response: Response | undefined;
  // A pooled keep-alive connection to a server that has since stopped fails once (UND_ERR_SOCKET): ask again on a new one.
  for (let attempt = 1; !response; attempt++) {
    try {
      response = await fetch(new URL('/_localstack/health', endpoint), { signal: AbortSignal.timeout(PREFLIGHT_TIMEOUT_MS) });
    } catch (error) {
      if (attempt === 1 && codeOf(error) === 'UND_ERR_SOCKET') continue;
      throw new PreflightError(
        `cannot reach the endpoint ${endpoint}: ${networkReason(error)} (is LocalStack or \`engine serve\` running there?)`,
        { cause: error },
      );
    }
  }
  try {
    const body = (await response.json()) as unknown;
    return response.ok && body !== null && typeof body === 'object' ? (body as HealthDocument) : undefined;
  } catch {
    return undefined;
  }
}

/** Every service a step needs must be listed as present; Route 53 zones on DNS need an edition that serves them. */
function checkServices(needs: StepNeed[], health: HealthDocument | undefined, endpoint: string): void {
  if (!health?.services) return; // not LocalStack-like: the credentials check shows whether it speaks AWS
  const offered = Object.entries(health.services)
    .filter(([, status]) => PRESENT.includes(String(status)))
    .map(([name]) => name);
  for (const need of needs) {
    if (need.service === ZONE_DNS) {
      if (ZONE_DNS_EDITIONS.includes(String(health.edition))) continue;
      throw new PreflightError(
        `${describeNeed(need)} needs Route 53 zones answered on DNS, which ${endpoint} (edition '${health.edition ?? 'unknown'}') does not serve; LocalStack Community has none: use the embedded target, \`engine serve\` or LocalStack Pro`,
      );
    }
    if (!offered.includes(need.service)) {
      throw new PreflightError(
        `${describeNeed(need)} needs ${need.service}, which ${endpoint} does not offer (its services: ${offered.join(', ') || 'none'})`,
      );
    }
  }
}

/** Any answer (NXDOMAIN included) shows the server is there; a timeout or refusal does not. */
async function checkDns(dns: HostPort, source: string): Promise<void> {
  const resolver = new Resolver({ timeout: PREFLIGHT_TIMEOUT_MS / 2, tries: 1 });
  resolver.setServers([`${dns.host.includes(':') ? `[${dns.host}]` : dns.host}:${dns.port}`]);
  try {
    await resolver.resolve4('preflight.failover-engine.localhost.localstack.cloud');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ETIMEOUT' && code !== 'ECONNREFUSED' && code !== 'ECANCELLED') return;
    throw new PreflightError(
      `the DNS server ${dns.host}:${dns.port} (${source}) does not answer (${code === 'ETIMEOUT' ? 'no reply' : 'refused'}): check the port, or pass --dns HOST:PORT`,
      { cause: error },
    );
  }
}

/**
 * Credentials present and accepted, and the endpoint speaking AWS: one read-only Route 53 call
 * (`ListHostedZones`, one item), which every target the drills use offers. AWS checks the
 * signature; LocalStack and the emulator accept the dummy credentials the engine sends them.
 */
async function checkCredentials(kind: TargetKind, endpoint: string | undefined): Promise<void> {
  const client = new Route53Client({
    region: 'us-east-1',
    maxAttempts: 1,
    ...(kind === TargetKind.ENDPOINT ? { endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } : {}),
  });
  try {
    await client.send(new ListHostedZonesCommand({ MaxItems: 1 }), { abortSignal: AbortSignal.timeout(PREFLIGHT_TIMEOUT_MS * 2) });
  } catch (error) {
    throw credentialsError(error, kind, endpoint);
  } finally {
    client.destroy();
  }
}

function credentialsError(error: unknown, kind: TargetKind, endpoint: string | undefined): PreflightError {
  const name = (error as { name?: string }).name ?? '';
  const where = kind === TargetKind.AWS ? 'AWS' : endpoint!;
  if (name === 'CredentialsProviderError') {
    return new PreflightError(
      'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or use --endpoint / the embedded target)',
      { cause: error },
    );
  }
  if (/InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient|ExpiredToken|AuthFailure|InvalidAccessKeyId/.test(name)) {
    return new PreflightError(`${where} refused the credentials (${name}): check AWS_PROFILE or the access key`, { cause: error });
  }
  if (/AccessDenied/.test(name))
    return new PreflightError(`${where} accepted the credentials but denied route53:ListHostedZones: the drill needs Route 53 access`, {
      cause: error,
    });
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return new PreflightError(`cannot reach ${where}: ${networkReason(error)}`, { cause: error });
  return new PreflightError(`${where} does not answer like AWS (Route 53 ListHostedZones: ${status} ${name || errorMessage(error)})`, {
    cause: error,
  });
}

/** `step 'awaitPrimary' (awaitDnsTarget)`. */
function describeNeed(need: StepNeed): string {
  return `step '${need.stepId}' (${need.type})`;
}

/** A wildcard address (`0.0.0.0`, `::`) in a health document means "the endpoint's host". */
function reachableHost(dns: HostPort, endpoint: string): HostPort | undefined {
  if (typeof dns.host !== 'string' || typeof dns.port !== 'number') return undefined;
  if (dns.host === '0.0.0.0' || dns.host === '::') return { host: new URL(endpoint).hostname.replace(/^\[|\]$/g, ''), port: dns.port };
  return { host: dns.host, port: dns.port };
}

/** The system or undici error code of a failed fetch (it sits on the cause). */
function codeOf(error: unknown): string | undefined {
  return (error as { cause?: { code?: string } }).cause?.code ?? (error as NodeJS.ErrnoException).code;
}

/** `connection refused`, `timed out`, or the error's own message. */
function networkReason(error: unknown): string {
  const code = codeOf(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if ((error as Error).name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return `no answer within ${PREFLIGHT_TIMEOUT_MS / 1000}s`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  return code ?? errorMessage(error);
}
