import { displayName } from './names.ts';
import type { ChangeRecord, HealthCheck, HostedZone, RecordSet } from './types.ts';

/**
 * Route 53 response shapes. Element order follows AWS's model, and repeated members are
 * wrapped in their list element (`ResourceRecords.ResourceRecord`), which is what SDK v3 and
 * botocore parse.
 */

/** Emulated time after which a change reads INSYNC (real Route 53 usually takes under 60 s). */
export const CHANGE_PROPAGATION_MS = 1_000;

export function hostedZoneXml(zone: HostedZone): Record<string, unknown> {
  let count = 0;
  for (const list of zone.records.values()) count += list.length;
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: displayName(zone.name),
    CallerReference: zone.callerReference,
    Config: { Comment: zone.comment, PrivateZone: zone.privateZone },
    ResourceRecordSetCount: count,
  };
}

export function delegationSetXml(zone: HostedZone): Record<string, unknown> {
  return { NameServers: { NameServer: zone.nameServers } };
}

export function changeInfoXml(change: ChangeRecord, now: number): Record<string, unknown> {
  return {
    Id: `/change/${change.id}`,
    Status: now - change.submittedAt >= CHANGE_PROPAGATION_MS ? 'INSYNC' : 'PENDING',
    SubmittedAt: new Date(change.submittedAt),
    Comment: change.comment,
  };
}

export function recordSetXml(r: RecordSet): Record<string, unknown> {
  return {
    Name: displayName(r.Name),
    Type: r.Type,
    SetIdentifier: r.SetIdentifier,
    Weight: r.Weight,
    Region: r.Region,
    GeoLocation: r.GeoLocation,
    Failover: r.Failover,
    MultiValueAnswer: r.MultiValueAnswer,
    TTL: r.TTL,
    ResourceRecords: r.ResourceRecords ? { ResourceRecord: r.ResourceRecords.map((Value) => ({ Value })) } : undefined,
    AliasTarget: r.AliasTarget
      ? {
          HostedZoneId: r.AliasTarget.HostedZoneId,
          DNSName: displayName(r.AliasTarget.DNSName),
          EvaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth,
        }
      : undefined,
    HealthCheckId: r.HealthCheckId,
  };
}

export function healthCheckXml(hc: HealthCheck): Record<string, unknown> {
  const c = hc.config;
  return {
    Id: hc.id,
    CallerReference: hc.callerReference,
    HealthCheckConfig: {
      IPAddress: c.IPAddress,
      Port: c.Port,
      Type: c.Type,
      ResourcePath: c.ResourcePath,
      FullyQualifiedDomainName: c.FullyQualifiedDomainName,
      SearchString: c.SearchString,
      RequestInterval: c.RequestInterval,
      FailureThreshold: c.FailureThreshold,
      MeasureLatency: c.MeasureLatency,
      Inverted: c.Inverted,
      Disabled: c.Disabled,
      HealthThreshold: c.HealthThreshold,
      ChildHealthChecks: c.ChildHealthChecks ? { ChildHealthCheck: c.ChildHealthChecks } : undefined,
      EnableSNI: c.EnableSNI,
      Regions: c.Regions ? { Region: c.Regions } : undefined,
      AlarmIdentifier: c.AlarmIdentifier,
      InsufficientDataHealthStatus: c.InsufficientDataHealthStatus,
      RoutingControlArn: c.RoutingControlArn,
    },
    HealthCheckVersion: hc.version,
  };
}
