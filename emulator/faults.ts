import type { EmulatorClock } from './clock.ts';
import { ServiceError } from './protocol/ServiceError.ts';

/**
 * What a running FIS experiment injects. The gateway checks every call it dispatches, and
 * services check their internal calls (API Gateway → Lambda Invoke, stream → Lambda) with the
 * *callee's* service, operation and region, so breaking Lambda in us-east-1 also breaks that
 * region's API and its health check while eu-central-1 keeps working.
 */
export interface FaultRule {
  /** Service name as the emulator knows it (`lambda`, `dynamodb`, `apigateway`, ...); undefined = all but `fis`. */
  service?: string;
  /** Operation name (`Invoke`); undefined = all. */
  operation?: string;
  /** Region; undefined = all. */
  region?: string;
  /** Restrict to these resource ARNs (e.g. Lambda function ARNs); undefined = all. */
  resources?: string[];
  /** 0–100; the share of matching calls affected. */
  percentage: number;
  effect:
    | { kind: 'error'; status: number; code: string; message: string }
    | { kind: 'latency'; ms: number }
    /** A function error (`X-Amz-Function-Error`) instead of an API error; Lambda decides how. */
    | { kind: 'functionError'; preventExecution: boolean }
    /** Lambda's `aws:lambda:invocation-http-integration-response`. */
    | { kind: 'httpResponse'; statusCode: number; contentType: string; preventExecution: boolean };
  /** Who installed it, e.g. the experiment id, so it can be removed as a group. */
  owner: string;
}

/** A call as the registry sees it. */
export interface Call {
  service: string;
  operation: string;
  region: string;
  /** The resource the call acts on, when known (function ARN for Lambda). */
  resource?: string;
}

export const FIS_FAULT_MESSAGE = 'Failing as per Fault Injection Simulator configuration';

export class FaultRegistry {
  private rules: FaultRule[] = [];
  private readonly random: () => number;

  constructor(private readonly clock: EmulatorClock, options: { random?: () => number } = {}) {
    this.random = options.random ?? Math.random;
  }

  add(rule: FaultRule): void {
    this.rules.push(rule);
  }

  /** Removes one rule (by identity), e.g. when the FIS action that installed it ends. */
  remove(rule: FaultRule): void {
    this.rules = this.rules.filter((r) => r !== rule);
  }

  /** Removes every rule an owner installed. */
  removeOwner(owner: string): void {
    this.rules = this.rules.filter((r) => r.owner !== owner);
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  /**
   * The rules that hit this call, each after its percentage roll. A rule for all services
   * leaves FIS itself alone, so that the experiment which installed it can still be stopped;
   * a rule naming `fis` applies to it like to any other service.
   */
  match(call: Call): FaultRule[] {
    return this.rules.filter(
      (r) =>
        (r.service === undefined ? call.service.toLowerCase() !== 'fis' : r.service.toLowerCase() === call.service.toLowerCase()) &&
        (r.operation === undefined || r.operation.toLowerCase() === call.operation.toLowerCase()) &&
        (r.region === undefined || r.region === call.region) &&
        (r.resources === undefined || (call.resource !== undefined && r.resources.includes(call.resource))) &&
        (r.percentage >= 100 || this.random() * 100 < r.percentage),
    );
  }

  /**
   * Applies latency and API-error faults to a call: sleeps for every latency rule (on the
   * emulator clock), then throws the first error rule as a ServiceError. Returns the other
   * matched rules (function errors, HTTP responses) for the service to interpret.
   */
  async check(call: Call, signal?: AbortSignal): Promise<FaultRule[]> {
    const hits = this.match(call);
    if (hits.length === 0) return hits;
    for (const rule of hits) {
      if (rule.effect.kind === 'latency') await this.clock.sleep(rule.effect.ms, signal);
    }
    for (const rule of hits) {
      if (rule.effect.kind === 'error') {
        throw new ServiceError(rule.effect.code, rule.effect.message, { status: rule.effect.status });
      }
    }
    return hits.filter((r) => r.effect.kind === 'functionError' || r.effect.kind === 'httpResponse');
  }
}
