import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation } from '../types.ts';
import type { HealthChecker } from './healthChecker.ts';
import { MARKER_QUERY, bool, enumError, int, list, markerPage, obj, required, str } from './input.ts';
import { healthCheckXml } from './render.ts';
import type { Route53Store } from './store.ts';
import { HEALTH_CHECK_TYPES, type HealthCheck, type HealthCheckConfig, type HealthCheckType } from './types.ts';

/**
 * Health checks (docs/fidelity/route53-routing.md, "Health checks"; caller references in
 * docs/fidelity/route53.md, "Caller references"):
 * - defaults: RequestInterval 30, FailureThreshold 3, Port 80 (HTTP) / 443 (HTTPS),
 *   ResourcePath `/`, EnableSNI true for HTTPS types; Type and RequestInterval are immutable;
 * - CallerReference: same reference and same config returns the existing check; a different
 *   config, or the reference of a deleted check → HealthCheckAlreadyExists 409;
 * - UpdateHealthCheck increments HealthCheckVersion; a stale HealthCheckVersion →
 *   HealthCheckVersionMismatch 409;
 * - DeleteHealthCheck succeeds even when a record uses the check: Route 53 does not prevent
 *   it (DeleteHealthCheck docs; HealthCheckInUse is documented as "not in use"). Such a
 *   record then counts as healthy;
 * - GetHealthCheckStatus reports the latest real observation of the emulator's one checker
 *   (Region us-east-1, or the first of the check's Regions); GetHealthCheckLastFailureReason
 *   the latest failed one.
 */

const HTTP_TYPES = new Set<HealthCheckType>(['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH']);
const ENDPOINT_TYPES = new Set<HealthCheckType>([...HTTP_TYPES, 'TCP']);
const HTTPS_TYPES = new Set<HealthCheckType>(['HTTPS', 'HTTPS_STR_MATCH']);
const HEALTH_CHECK_REGIONS = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
] as const;
const RESETTABLE = ['FullyQualifiedDomainName', 'Regions', 'ResourcePath', 'ChildHealthChecks'] as const;

function noSuchHealthCheck(id: string): ServiceError {
  return new ServiceError('NoSuchHealthCheck', `No health check exists with the specified ID ${id}`, { status: 404 });
}

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidInput', `Invalid parameter : ${message}`);
}

/** The fields UpdateHealthCheck and HealthCheckConfig share, read from XML strings. */
function readMutable(src: Record<string, unknown>): Partial<HealthCheckConfig> {
  const alarm = obj(src['AlarmIdentifier']);
  const regions = src['Regions'] !== undefined ? list(src['Regions'], 'Region').map((r) => str(r) ?? '') : undefined;
  const children =
    src['ChildHealthChecks'] !== undefined ? list(src['ChildHealthChecks'], 'ChildHealthCheck').map((c) => str(c) ?? '') : undefined;
  const insufficient = str(src['InsufficientDataHealthStatus']);
  if (insufficient !== undefined && !['Healthy', 'Unhealthy', 'LastKnownStatus'].includes(insufficient)) {
    throw enumError(insufficient, ['Healthy', 'Unhealthy', 'LastKnownStatus']);
  }
  return {
    IPAddress: str(src['IPAddress']),
    Port: int(src['Port'], 'Port'),
    ResourcePath: str(src['ResourcePath']),
    FullyQualifiedDomainName: str(src['FullyQualifiedDomainName']),
    SearchString: str(src['SearchString']),
    FailureThreshold: int(src['FailureThreshold'], 'FailureThreshold'),
    Inverted: bool(src['Inverted']),
    Disabled: bool(src['Disabled']),
    HealthThreshold: int(src['HealthThreshold'], 'HealthThreshold'),
    ChildHealthChecks: children,
    EnableSNI: bool(src['EnableSNI']),
    Regions: regions,
    AlarmIdentifier: alarm ? { Region: str(alarm['Region']) ?? '', Name: str(alarm['Name']) ?? '' } : undefined,
    InsufficientDataHealthStatus: insufficient as HealthCheckConfig['InsufficientDataHealthStatus'],
  };
}

function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** Applies AWS's defaults and checks the rules a config must satisfy. */
function finishConfig(config: HealthCheckConfig): HealthCheckConfig {
  const type = config.Type;
  if (ENDPOINT_TYPES.has(type)) {
    config.RequestInterval ??= 30;
    config.FailureThreshold ??= 3;
    if (HTTP_TYPES.has(type)) {
      config.Port ??= HTTPS_TYPES.has(type) ? 443 : 80;
      config.ResourcePath ??= '/';
    }
    config.EnableSNI ??= HTTPS_TYPES.has(type);
    config.MeasureLatency ??= false;
    if (config.RequestInterval !== 10 && config.RequestInterval !== 30) throw invalid('RequestInterval must be 10 or 30.');
    if (config.FailureThreshold < 1 || config.FailureThreshold > 10) throw invalid('FailureThreshold must be between 1 and 10.');
    if (!config.IPAddress && !config.FullyQualifiedDomainName) {
      throw invalid(`A health check of type ${type} requires an IPAddress or a FullyQualifiedDomainName.`);
    }
    if (config.IPAddress && !isIP(config.IPAddress)) throw invalid(`${config.IPAddress} is not a valid IP address.`);
    if (type === 'TCP' && config.Port === undefined) throw invalid('A health check of type TCP requires a Port.');
    if (type.endsWith('_STR_MATCH') && !config.SearchString) throw invalid(`A health check of type ${type} requires a SearchString.`);
    if (config.Port !== undefined && (config.Port < 1 || config.Port > 65535)) throw invalid('Port must be between 1 and 65535.');
    if (config.ResourcePath !== undefined && config.ResourcePath.length > 255)
      throw invalid('ResourcePath must be at most 255 characters.');
  }
  if (type === 'CALCULATED' && config.HealthThreshold !== undefined && (config.HealthThreshold < 0 || config.HealthThreshold > 256)) {
    throw invalid('HealthThreshold must be between 0 and 256.');
  }
  if (config.Regions !== undefined) {
    // The checker Regions AWS offers; a list must name at least three (HealthCheckConfig docs).
    const unknown = config.Regions.find((r) => !(HEALTH_CHECK_REGIONS as readonly string[]).includes(r));
    if (unknown !== undefined) throw enumError(unknown, HEALTH_CHECK_REGIONS);
    if (config.Regions.length < 3) throw invalid('Regions must name at least 3 Regions.');
  }
  config.Inverted ??= false;
  config.Disabled ??= false;
  return defined(config);
}

export function healthCheckOperations(store: Route53Store, checker: HealthChecker): Operation[] {
  const get = (rawId: unknown): HealthCheck => {
    const id = str(rawId) ?? '';
    const check = store.healthChecks.get(id);
    if (!check) throw noSuchHealthCheck(id);
    return check;
  };
  return [
    {
      name: 'CreateHealthCheck',
      http: { method: 'POST', path: '/2013-04-01/healthcheck', status: 201, output: { headers: { location: 'Location' } } },
      handler(input) {
        const callerReference = required(input['CallerReference'], 'callerReference');
        const src = obj(input['HealthCheckConfig']);
        if (!src) required(undefined, 'healthCheckConfig');
        const type = required(src!['Type'], 'healthCheckConfig.type');
        if (!(HEALTH_CHECK_TYPES as readonly string[]).includes(type)) throw enumError(type, HEALTH_CHECK_TYPES);
        const config = finishConfig({
          ...readMutable(src!),
          Type: type as HealthCheckType,
          RequestInterval: int(src!['RequestInterval'], 'RequestInterval'),
          MeasureLatency: bool(src!['MeasureLatency']),
          RoutingControlArn: str(src!['RoutingControlArn']),
        });
        const previous = store.healthCheckCallerReferences.get(callerReference);
        if (previous !== undefined) {
          const existing = store.healthChecks.get(previous);
          if (existing && JSON.stringify(existing.config) === JSON.stringify(config)) {
            return { HealthCheck: healthCheckXml(existing), Location: locationOf(existing) };
          }
          throw new ServiceError(
            'HealthCheckAlreadyExists',
            existing
              ? `A health check with the caller reference ${callerReference} already exists with different settings.`
              : `A health check with the caller reference ${callerReference} was created and deleted; a caller reference cannot be reused.`,
            { status: 409 },
          );
        }
        const check: HealthCheck = { id: randomUUID(), callerReference, config, version: 1 };
        store.healthChecks.set(check.id, check);
        store.healthCheckCallerReferences.set(callerReference, check.id);
        checker.start(check);
        return { HealthCheck: healthCheckXml(check), Location: locationOf(check) };
      },
    },
    {
      name: 'GetHealthCheck',
      http: { method: 'GET', path: '/2013-04-01/healthcheck/{HealthCheckId}' },
      handler: (input) => ({ HealthCheck: healthCheckXml(get(input['HealthCheckId'])) }),
    },
    {
      name: 'ListHealthChecks',
      http: { method: 'GET', path: '/2013-04-01/healthcheck', query: MARKER_QUERY },
      handler(input: { Marker?: string; MaxItems?: string }) {
        const { page, next, marker, limit } = markerPage([...store.healthChecks.values()], (c) => c.id, input);
        return {
          HealthChecks: { HealthCheck: page.map(healthCheckXml) },
          Marker: marker ?? '',
          IsTruncated: next !== undefined,
          NextMarker: next?.id,
          MaxItems: limit,
        };
      },
    },
    {
      name: 'UpdateHealthCheck',
      http: { method: 'POST', path: '/2013-04-01/healthcheck/{HealthCheckId}' },
      handler(input) {
        const check = get(input['HealthCheckId']);
        const version = int(input['HealthCheckVersion'], 'HealthCheckVersion');
        if (version !== undefined && version !== check.version) {
          throw new ServiceError(
            'HealthCheckVersionMismatch',
            "The value of HealthCheckVersion in the request doesn't match the value of HealthCheckVersion in the health check.",
            { status: 409 },
          );
        }
        const reset = list(input['ResetElements'], 'ResettableElementName').map((e) => str(e) ?? '');
        for (const element of reset) if (!(RESETTABLE as readonly string[]).includes(element)) throw enumError(element, RESETTABLE);
        const next: HealthCheckConfig = { ...check.config, ...defined(readMutable(input)) };
        for (const element of reset) delete next[element as (typeof RESETTABLE)[number]];
        if (reset.includes('ResourcePath') && HTTP_TYPES.has(next.Type)) next.ResourcePath = '/';
        check.config = finishConfig(next);
        check.version++;
        return { HealthCheck: healthCheckXml(check) };
      },
    },
    {
      name: 'DeleteHealthCheck',
      http: { method: 'DELETE', path: '/2013-04-01/healthcheck/{HealthCheckId}' },
      handler(input) {
        const check = get(input['HealthCheckId']);
        store.healthChecks.delete(check.id);
        checker.remove(check.id);
        return {};
      },
    },
    {
      name: 'GetHealthCheckStatus',
      http: { method: 'GET', path: '/2013-04-01/healthcheck/{HealthCheckId}/status' },
      handler(input) {
        const check = get(input['HealthCheckId']);
        return { HealthCheckObservations: { HealthCheckObservation: checker.observations(check.id).slice(0, 1).map(observationXml) } };
      },
    },
    {
      name: 'GetHealthCheckLastFailureReason',
      http: { method: 'GET', path: '/2013-04-01/healthcheck/{HealthCheckId}/lastfailurereason' },
      handler(input) {
        const check = get(input['HealthCheckId']);
        const last = checker.observations(check.id).find((o) => !o.passed);
        return { HealthCheckObservations: { HealthCheckObservation: last ? [observationXml(last)] : [] } };
      },
    },
    {
      name: 'GetHealthCheckCount',
      http: { method: 'GET', path: '/2013-04-01/healthcheckcount' },
      handler: () => ({ HealthCheckCount: store.healthChecks.size }),
    },
  ];
}

function observationXml(o: { region: string; ipAddress?: string; status: string; checkedAt: number }): Record<string, unknown> {
  return { Region: o.region, IPAddress: o.ipAddress, StatusReport: { Status: o.status, CheckedTime: new Date(o.checkedAt) } };
}

function locationOf(check: HealthCheck): string {
  return `https://route53.amazonaws.com/2013-04-01/healthcheck/${check.id}`;
}
