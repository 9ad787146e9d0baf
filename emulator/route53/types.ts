/**
 * Route 53 resources as the emulator stores them. Field names follow AWS's model so the
 * operations can return them with little mapping; names are normalised (see names.ts).
 */

export { RECORD_TYPES, type RecordType } from '../dns/answer.ts';
import type { RecordType } from '../dns/answer.ts';

export interface AliasTarget {
  /** Bare zone id (a `/hostedzone/` prefix is stripped on the way in). */
  HostedZoneId: string;
  /** Lower-case with a trailing dot. */
  DNSName: string;
  EvaluateTargetHealth: boolean;
}

export interface GeoLocation {
  ContinentCode?: string;
  CountryCode?: string;
  SubdivisionCode?: string;
}

/** One resource record set, keyed in its zone by (Name, Type, SetIdentifier). */
export interface RecordSet {
  Name: string;
  Type: RecordType;
  SetIdentifier?: string;
  Weight?: number;
  Region?: string;
  GeoLocation?: GeoLocation;
  Failover?: 'PRIMARY' | 'SECONDARY';
  MultiValueAnswer?: boolean;
  TTL?: number;
  /** Values verbatim, as Route 53 returns them (a CNAME value keeps or lacks its dot as given). */
  ResourceRecords?: string[];
  AliasTarget?: AliasTarget;
  HealthCheckId?: string;
}

export interface HostedZone {
  /** Bare id, `Z…`. */
  id: string;
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  vpcs: { VPCRegion?: string; VPCId?: string }[];
  nameServers: string[];
  /** Record sets by owner name, each list in insertion order. */
  records: Map<string, RecordSet[]>;
  /** Names that own no record but have records below them (empty non-terminals: NODATA, not NXDOMAIN). */
  nonTerminals: Set<string>;
}

export const HEALTH_CHECK_TYPES = [
  'HTTP',
  'HTTPS',
  'HTTP_STR_MATCH',
  'HTTPS_STR_MATCH',
  'TCP',
  'CALCULATED',
  'CLOUDWATCH_METRIC',
  'RECOVERY_CONTROL',
] as const;
export type HealthCheckType = (typeof HEALTH_CHECK_TYPES)[number];

/** HealthCheckConfig with AWS's defaults applied (RequestInterval 30, FailureThreshold 3, ...). */
export interface HealthCheckConfig {
  IPAddress?: string;
  Port?: number;
  Type: HealthCheckType;
  ResourcePath?: string;
  FullyQualifiedDomainName?: string;
  SearchString?: string;
  RequestInterval?: number;
  FailureThreshold?: number;
  MeasureLatency?: boolean;
  Inverted?: boolean;
  Disabled?: boolean;
  HealthThreshold?: number;
  ChildHealthChecks?: string[];
  EnableSNI?: boolean;
  Regions?: string[];
  AlarmIdentifier?: { Region: string; Name: string };
  InsufficientDataHealthStatus?: 'Healthy' | 'Unhealthy' | 'LastKnownStatus';
  RoutingControlArn?: string;
}

export interface HealthCheck {
  id: string;
  callerReference: string;
  config: HealthCheckConfig;
  version: number;
}

export interface ChangeRecord {
  /** Bare id, `C…`. */
  id: string;
  /** Emulated epoch ms. */
  submittedAt: number;
  comment?: string;
}

/** One probe's outcome, as GetHealthCheckStatus reports it. */
export interface HealthCheckObservation {
  region: string;
  ipAddress?: string;
  /** `Success: HTTP Status Code 200, OK` or `Failure: ...`. */
  status: string;
  /** Emulated epoch ms at which the probe started. */
  checkedAt: number;
  passed: boolean;
}

export type HealthStatus = 'healthy' | 'unhealthy';
