import type { Operation } from '../types.ts';

/**
 * DescribeLimits: the default provisioned-capacity quotas of an account and of one table in a
 * region (DynamoDB service quotas: 80,000 read and write capacity units per account, 40,000
 * per table). The emulator enforces none of them.
 */
export const DEFAULT_LIMITS = {
  AccountMaxReadCapacityUnits: 80_000,
  AccountMaxWriteCapacityUnits: 80_000,
  TableMaxReadCapacityUnits: 40_000,
  TableMaxWriteCapacityUnits: 40_000,
} as const;

export const describeLimits: Operation = { name: 'DescribeLimits', handler: () => ({ ...DEFAULT_LIMITS }) };
