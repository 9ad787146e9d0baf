import { parseDuration, type Duration } from './duration.ts';

/**
 * A retry policy with Temporal's field names and defaults: `initialInterval` 1s,
 * `backoffCoefficient` 2, `maximumInterval` 100 × initialInterval. `maximumAttempts` counts
 * the first attempt too; 0 means unlimited (Temporal's meaning). A step without a `retry:`
 * block runs once; a `retry:` block without `maximumAttempts` allows
 * {@link DEFAULT_MAXIMUM_ATTEMPTS} (a bounded default on purpose: a drill has no deadline).
 */
export interface RetryPolicyInput {
  maximumAttempts?: number;
  initialInterval?: Duration;
  backoffCoefficient?: number;
  maximumInterval?: Duration;
  nonRetryableErrorTypes?: string[];
}

/** A validated policy with every field filled in. */
export interface RetryPolicy {
  maximumAttempts: number;
  initialInterval: number;
  backoffCoefficient: number;
  maximumInterval: number;
  nonRetryableErrorTypes: string[];
}

/** Attempts allowed by a `retry:` block that does not say. */
export const DEFAULT_MAXIMUM_ATTEMPTS = 3;

/** The policy of a step with no `retry:` block: one attempt. */
export const NO_RETRY: RetryPolicy = {
  maximumAttempts: 1,
  initialInterval: 1000,
  backoffCoefficient: 2,
  maximumInterval: 100_000,
  nonRetryableErrorTypes: [],
};

/**
 * Validates and fills a policy. Returns the problems instead of throwing so the loader can
 * report them with their location.
 */
export function compileRetryPolicy(input: RetryPolicyInput | undefined): {
  policy: RetryPolicy;
  problems: Array<{ field: string; message: string }>;
} {
  if (!input) return { policy: NO_RETRY, problems: [] };
  const problems: Array<{ field: string; message: string }> = [];
  const initialInterval = parseDuration(input.initialInterval ?? 1000) ?? 1000;
  const maximumInterval = parseDuration(input.maximumInterval ?? initialInterval * 100) ?? initialInterval * 100;
  const backoffCoefficient = input.backoffCoefficient ?? 2;
  if (backoffCoefficient < 1) problems.push({ field: 'backoffCoefficient', message: 'backoffCoefficient must be at least 1' });
  if (maximumInterval < initialInterval)
    problems.push({ field: 'maximumInterval', message: 'maximumInterval cannot be less than its initialInterval' });
  return {
    policy: {
      maximumAttempts: input.maximumAttempts ?? DEFAULT_MAXIMUM_ATTEMPTS,
      initialInterval,
      backoffCoefficient,
      maximumInterval,
      nonRetryableErrorTypes: input.nonRetryableErrorTypes ?? [],
    },
    problems,
  };
}

/** Delay before attempt `attempt + 1`, after `attempt` (1-based) failed. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  const raw = policy.initialInterval * policy.backoffCoefficient ** (attempt - 1);
  return Math.min(Math.round(raw), policy.maximumInterval);
}

/** Whether another attempt is allowed after `attempt` failed with `error`. */
export function shouldRetry(policy: RetryPolicy, attempt: number, error: unknown): boolean {
  if (policy.maximumAttempts !== 0 && attempt >= policy.maximumAttempts) return false;
  if (!(error instanceof Error)) return true;
  const code = (error as { code?: unknown }).code;
  if (error.name === 'NonRetryableError' || code === 'E_NON_RETRYABLE' || code === 'E_TEMPLATE') return false;
  if ((error as { nonRetryable?: unknown }).nonRetryable === true) return false;
  return !policy.nonRetryableErrorTypes.some((t) => t === error.name || t === code);
}
