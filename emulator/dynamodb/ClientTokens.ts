import type { EmulatorClock } from '../clock.ts';

/** How long a ClientRequestToken binds its parameters (TransactWriteItems API reference). */
export const CLIENT_TOKEN_TTL_MS = 10 * 60 * 1000;

/**
 * TransactWriteItems idempotency: a token remembered with the parameters of the transaction
 * that used it, for 10 minutes of emulator time after that transaction completed. Within the
 * window the same token with the same parameters succeeds again without writing; with other
 * parameters it is IdempotentParameterMismatchException. Per region, as DynamoDB is.
 */
export class ClientTokens {
  private readonly tokens = new Map<string, { fingerprint: string; expiresAt: number }>();

  constructor(private readonly clock: EmulatorClock) {}

  /** The fingerprint a live token was used with, or undefined. */
  find(region: string, token: string): string | undefined {
    this.purge();
    return this.tokens.get(`${region}\u0000${token}`)?.fingerprint;
  }

  remember(region: string, token: string, fingerprint: string): void {
    this.purge();
    this.tokens.set(`${region}\u0000${token}`, { fingerprint, expiresAt: this.clock.now() + CLIENT_TOKEN_TTL_MS });
  }

  reset(): void {
    this.tokens.clear();
  }

  private purge(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(key);
  }
}

/**
 * The parameters of a request as a canonical string: members in sorted order at every level
 * (AWS does not care about member order), without the token itself and without
 * ReturnConsumedCapacity, which only changes what the answer reports.
 */
export function fingerprintOf(input: Record<string, unknown>): string {
  const { ClientRequestToken: _token, ReturnConsumedCapacity: _capacity, ...rest } = input;
  return canonical(rest);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
