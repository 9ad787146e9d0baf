import { ServiceError } from '../protocol/ServiceError.ts';
import type { OperationInput } from '../types.ts';
import { ACCOUNT_ID } from '../types.ts';
import { managedKeyArn, type TableSetting } from './TableSettings.ts';
import { wireBoolean, wireInteger, wireString, wireStructure } from './wireTypes.ts';

/** CreateTable/UpdateTable members the emulator keeps itself (TableSettings) instead of dynalite. */
export const OWN_TABLE_MEMBERS = ['DeletionProtectionEnabled', 'SSESpecification', 'WarmThroughput', 'TableClass'] as const;

/** UpdateTable members for features the emulator does not have (global tables, on-demand limits). */
const UNSUPPORTED_UPDATES: Record<string, string> = {
  ReplicaUpdates: 'global table replicas',
  GlobalTableWitnessUpdates: 'global table witnesses',
  MultiRegionConsistency: 'multi-Region strong consistency',
  OnDemandThroughput: 'on-demand throughput limits',
};

/**
 * 501 for an UpdateTable that asks for a feature the emulator does not have, naming the
 * operation and the member; without this dynalite would answer its "At least one of … is
 * required" listing the very member that was given.
 */
export function refuseUnsupportedUpdate(input: OperationInput): void {
  for (const [member, feature] of Object.entries(UNSUPPORTED_UPDATES)) {
    if (input[member] === undefined || input[member] === null) continue;
    throw new ServiceError(
      'InternalFailure',
      `The operation 'UpdateTable' with ${member} (${feature}) of service 'dynamodb' is not implemented by this emulator`,
      { status: 501, senderFault: false },
    );
  }
}

/**
 * The CreateTable/UpdateTable members the emulator keeps, as the caller sent them: each is
 * checked before use, with the SerializationException dynalite and DynamoDB give for a wrong type.
 */
export interface TableSettingsInput extends OperationInput {
  DeletionProtectionEnabled?: unknown;
  SSESpecification?: unknown;
  WarmThroughput?: unknown;
  TableClass?: unknown;
}
interface SseInput {
  Enabled: unknown;
  KMSMasterKeyId: unknown;
}
interface WarmInput {
  ReadUnitsPerSecond: unknown;
  WriteUnitsPerSecond: unknown;
}

/** The settings a CreateTable or UpdateTable request gives, or undefined when it gives none. */
export function settingsFrom(input: TableSettingsInput, region: string): Partial<TableSetting> | undefined {
  if (OWN_TABLE_MEMBERS.every((m) => input[m] === undefined || input[m] === null)) return undefined;
  const out: Partial<TableSetting> = {};
  const protection = wireBoolean(input.DeletionProtectionEnabled);
  if (protection !== undefined) out.deletionProtection = protection;
  const sse = wireStructure<SseInput>(input.SSESpecification, 'SSESpecification');
  if (sse) {
    // Enabled: true is KMS encryption (the AWS managed key unless one is named); false or
    // absent is the AWS owned key, which table descriptions do not show.
    out.kmsKeyArn = wireBoolean(sse.Enabled) ? kmsKeyArn(wireString(sse.KMSMasterKeyId), region) : undefined;
  }
  const warm = wireStructure<WarmInput>(input.WarmThroughput, 'WarmThroughput');
  if (warm) {
    out.warm = {};
    const read = wireInteger(warm.ReadUnitsPerSecond);
    const write = wireInteger(warm.WriteUnitsPerSecond);
    if (read !== undefined) out.warm.ReadUnitsPerSecond = read;
    if (write !== undefined) out.warm.WriteUnitsPerSecond = write;
  }
  const tableClass = wireString(input.TableClass);
  if (tableClass !== undefined) out.tableClass = tableClass;
  return out;
}

function kmsKeyArn(keyId: string | undefined, region: string): string {
  if (!keyId) return managedKeyArn(region);
  if (keyId.startsWith('arn:')) return keyId;
  return `arn:aws:kms:${region}:${ACCOUNT_ID}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
}
