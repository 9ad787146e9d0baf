import type { EmulatorClock } from './clock.ts';
import { ServiceError } from './protocol/ServiceError.ts';

/**
 * What a running FIS experiment injects. Every call is checked once: the gateway checks each
 * call it dispatches with `{service, operation, region, resource}` (the operation names its
 * resource), and services check their internal calls (API Gateway → Lambda Invoke, stream →
 * Lambda) with the *callee's* service, operation and region, so breaking Lambda in us-east-1
 * also breaks that region's API and its health check while eu-central-1 keeps working.
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
  effect: FaultEffect;
  /** Who installed it, e.g. the experiment id, so it can be removed as a group. */
  owner: string;
}

export type FaultEffect =
  | { kind: 'error'; status: number; code: string; message: string }
  | { kind: 'latency'; ms: number }
  /** A function error (`X-Amz-Function-Error`) instead of an API error; Lambda decides how. */
  | { kind: 'functionError'; preventExecution: boolean }
  /** Lambda's `aws:lambda:invocation-http-integration-response`. */
  | { kind: 'httpResponse'; statusCode: number; contentType: string; preventExecution: boolean };

/** A rule whose effect the callee's service interprets (Lambda answers it instead of its handler). */
export type ServiceFaultRule = FaultRule & { effect: Extract<FaultEffect, { kind: 'functionError' | 'httpResponse' }> };

interface EffectApplier<E extends FaultEffect> {
  /** Rules apply in ascending order: every latency first, then the first error. */
  order: number;
  /** Applied to the call by the registry; absent for effects handed to the service. */
  apply?(effect: E, clock: EmulatorClock, signal?: AbortSignal): Promise<void> | void;
}

/** How each effect kind acts on a call. A new effect kind is one entry here (and its FIS action). */
const EFFECTS: { [K in FaultEffect['kind']]: EffectApplier<Extract<FaultEffect, { kind: K }>> } = {
  latency: { order: 0, apply: (effect, clock, signal) => clock.sleep(effect.ms, signal) },
  error: {
    order: 1,
    apply: (effect) => {
      throw new ServiceError(effect.code, effect.message, { status: effect.status });
    },
  },
  functionError: { order: 2 },
  httpResponse: { order: 2 },
};

function applierOf(effect: FaultEffect): EffectApplier<FaultEffect> {
  return EFFECTS[effect.kind] as EffectApplier<FaultEffect>;
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

  constructor(
    private readonly clock: EmulatorClock,
    options: { random?: () => number } = {},
  ) {
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
   * Checks a call once: applies the effects that act on the call itself (sleeps for every
   * latency rule on the emulator clock, then throws the first error rule as a ServiceError) and
   * returns the matched rules the service interprets (function errors, HTTP responses).
   */
  async check(call: Call, signal?: AbortSignal): Promise<ServiceFaultRule[]> {
    const hits = this.match(call).sort((a, b) => applierOf(a.effect).order - applierOf(b.effect).order);
    const handed: ServiceFaultRule[] = [];
    for (const rule of hits) {
      const applier = applierOf(rule.effect);
      if (applier.apply) await applier.apply(rule.effect, this.clock, signal);
      else handed.push(rule as ServiceFaultRule);
    }
    return handed;
  }
}
