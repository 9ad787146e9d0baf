import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { EngineError, ErrorCode } from './errors.ts';
import { describeClaim, type KeyedClaim } from './lockClaims.ts';
import { isAlive, processStart, summarizeJournal } from './runs.ts';
import { readJournal } from './journal.ts';
import { join } from 'node:path';
import type { Clock } from './types.ts';

/**
 * Run locks, kept on the target itself so that every machine sharing an endpoint (or an AWS
 * account) sees them: one TXT record per claimed name in the Route 53 hosted zone
 * {@link LOCK_ZONE}. Taking the locks is one ChangeResourceRecordSets batch of CREATEs, which
 * Route 53 applies atomically and refuses whole when any record exists: two runs never both
 * win, and a run never holds half of its names. Releasing DELETEs the records with their exact
 * values (Route 53 refuses a DELETE whose values differ, so a run only ever removes its own).
 * The zone itself stays (see docs/locks.md).
 */

/** The hosted zone that keeps the locks. */
export const LOCK_ZONE = 'failover-engine-locks.internal.';

/** TTL of a lock record (nobody resolves them; Route 53 needs one). */
const LOCK_TTL = 60;

/** How often a run given `--wait-lock` looks again. */
export const LOCK_POLL_MS = 1_000;

/** Lock records as a run holds them (recorded in its journal, so `engine rollback` can release them). */
export interface HeldLocks {
  zoneId: string;
  records: Array<{ name: string; value: string }>;
}

/** Who holds a lock, as its record says. */
export interface LockHolder {
  runId: string;
  host: string;
  pid: number;
  pidStart?: string;
  dir?: string;
  claim: string;
}

/** Another run holds a name this run claims. */
export class LockedError extends EngineError {
  constructor(
    message: string,
    readonly holder: LockHolder,
  ) {
    super(message, { code: ErrorCode.LOCKED });
    this.name = 'LockedError';
  }
}

/** Runs of this process that hold locks: a holder with this process's pid is alive only if listed here. */
const heldHere = new Set<string>();

/** Who this run is, for its lock records. */
export interface LockOwner {
  runId: string;
  /** The run's folder (a holder on this host whose folder says it kept resources keeps its locks). */
  dir: string;
}

/** Options of {@link acquireLocks}. */
export interface AcquireOptions {
  /** Wait for the holders to finish instead of refusing. */
  wait: boolean;
  clock: Clock;
  /** Says who is waited for (once per holder). */
  onWait?(message: string): void;
  signal?: AbortSignal;
}

/**
 * Takes a lock for every claim (none: nothing to do). Refuses with {@link LockedError} naming
 * the holder, or waits with `wait`. A holder that is gone (its process on this host ended and
 * its run folder keeps nothing) is broken.
 */
export async function acquireLocks(
  route53: Route53Client,
  claims: KeyedClaim[],
  owner: LockOwner,
  options: AcquireOptions,
): Promise<HeldLocks | undefined> {
  if (claims.length === 0) return undefined;
  const records = claims.map((c) => ({ name: recordName(c.key), value: recordValue(owner, c) }));
  let zoneId = await lockZone(route53);
  let waitingFor: string | undefined;
  // Refusals that name no holder: a lock released meanwhile (try again), or a batch the target
  // refuses for another reason (give up after a few, with its error).
  let unexplained = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    let refusal: unknown;
    try {
      await change(route53, zoneId, 'CREATE', records);
      heldHere.add(owner.runId);
      return { zoneId, records };
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchHostedZone') {
        zoneId = await lockZone(route53);
        continue;
      }
      if (name !== 'InvalidChangeBatch') throw error;
      refusal = error;
    }
    const held = await holders(
      route53,
      zoneId,
      records.map((r) => r.name),
    );
    const live = held.filter((entry) => !isGone(entry.holder));
    for (const entry of held.filter((e) => !live.includes(e))) await deleteSet(route53, zoneId, entry.set).catch(() => undefined);
    const first = live[0]?.holder;
    if (!first) {
      if (held.length === 0 && ++unexplained >= 3) throw refusal;
      continue;
    }
    unexplained = 0;
    const message = heldMessage(first, claims);
    if (!options.wait)
      throw new LockedError(
        `${message}: wait for it with --wait-lock, or settle it with engine rollback ${first.runId} (engine destroy if it passed and kept its resources)`,
        first,
      );
    if (waitingFor !== first.runId) options.onWait?.(`waiting: ${message}`);
    waitingFor = first.runId;
    await options.clock.sleep(LOCK_POLL_MS, options.signal);
  }
}

/** Deletes the run's lock records (each with its exact value: a record someone else took is left). */
export async function releaseLocks(route53: Route53Client, held: HeldLocks, runId: string): Promise<void> {
  heldHere.delete(runId);
  for (const record of held.records) {
    try {
      await change(route53, held.zoneId, 'DELETE', [record]);
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== 'InvalidChangeBatch' && name !== 'NoSuchHostedZone') throw error; // gone or broken: nothing to release
    }
  }
}

/** `zone hello-localstack.com. is held by run X (pid 123 on host h)`. */
function heldMessage(holder: LockHolder, claims: KeyedClaim[]): string {
  const claim = claims.find((c) => c.key === holder.claim);
  const what = claim ? `${describeClaim(claim.claim)} (step '${claim.stepId}')` : holder.claim;
  return `${what} is held by run ${holder.runId} (pid ${holder.pid} on host ${holder.host})`;
}

/** A holder is gone when it ran on this host, its process ended, and its run folder (if any) keeps nothing. */
function isGone(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  const alive = holder.pid === process.pid ? heldHere.has(holder.runId) : isAlive(holder.pid, holder.pidStart);
  if (alive) return false;
  if (!holder.dir) return true;
  const journal = readJournal(join(holder.dir, 'journal.jsonl'));
  if (journal.records.length === 0) return true;
  const summary = summarizeJournal(holder.runId, journal.records);
  return !summary.needsRollback && summary.held.length === 0;
}

/** The lock zone's id, creating it on first use. */
async function lockZone(route53: Route53Client): Promise<string> {
  // A fixed caller reference makes creation atomic: of two runs creating it at once, one gets
  // HostedZoneAlreadyExists and finds the other's. A caller reference cannot be reused even
  // after its zone is deleted, so a zone deleted by hand is followed by generation 2, 3, ...
  for (let generation = 1; generation <= 50; generation++) {
    const found = await findLockZone(route53);
    if (found) return found;
    try {
      const made = await route53.send(
        new CreateHostedZoneCommand({
          Name: LOCK_ZONE,
          CallerReference: `failover-engine-locks-${generation}`,
          HostedZoneConfig: { Comment: 'failover-engine run locks (docs/locks.md)' },
        }),
      );
      return bareId(made.HostedZone!.Id!);
    } catch (error) {
      if ((error as { name?: string }).name !== 'HostedZoneAlreadyExists') throw error;
    }
  }
  throw new EngineError(`cannot create the lock zone ${LOCK_ZONE}: every caller reference is taken`);
}

async function findLockZone(route53: Route53Client): Promise<string | undefined> {
  const page = await route53.send(new ListHostedZonesByNameCommand({ DNSName: LOCK_ZONE, MaxItems: 10 }));
  const zone = (page.HostedZones ?? []).find((z) => z.Name?.toLowerCase() === LOCK_ZONE);
  return zone?.Id ? bareId(zone.Id) : undefined;
}

/** The lock records that exist among `names`, with their holders. */
async function holders(
  route53: Route53Client,
  zoneId: string,
  names: string[],
): Promise<Array<{ holder: LockHolder; set: ResourceRecordSet }>> {
  const found: Array<{ holder: LockHolder; set: ResourceRecordSet }> = [];
  for (const name of names) {
    const page = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, StartRecordType: 'TXT', MaxItems: 1 }),
    );
    const set = page.ResourceRecordSets?.[0];
    const value = set?.ResourceRecords?.[0]?.Value;
    if (!set || set.Type !== 'TXT' || set.Name?.toLowerCase() !== name || !value) continue;
    const holder = parseValue(value);
    if (holder) found.push({ holder, set });
  }
  return found;
}

async function change(
  route53: Route53Client,
  zoneId: string,
  action: 'CREATE' | 'DELETE',
  records: Array<{ name: string; value: string }>,
): Promise<void> {
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Comment: `failover-engine lock ${action === 'CREATE' ? 'take' : 'release'}`,
        Changes: records.map((r) => ({
          Action: action,
          ResourceRecordSet: { Name: r.name, Type: 'TXT', TTL: LOCK_TTL, ResourceRecords: [{ Value: r.value }] },
        })),
      },
    }),
  );
}

/** Deletes a record set exactly as listed (a broken lock: its TTL and value may not be ours). */
async function deleteSet(route53: Route53Client, zoneId: string, set: ResourceRecordSet): Promise<void> {
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Comment: 'failover-engine lock broken', Changes: [{ Action: 'DELETE', ResourceRecordSet: set }] },
    }),
  );
}

/** `<hash>.failover-engine-locks.internal.`: a DNS-safe name per lock key. */
function recordName(key: string): string {
  return `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.${LOCK_ZONE}`;
}

/** The TXT value: quoted `k=v` strings (each under DNS's 255 characters). */
function recordValue(owner: LockOwner, claim: KeyedClaim): string {
  const start = processStart(process.pid);
  const fields: Array<[string, string | undefined]> = [
    ['run', owner.runId],
    ['host', hostname()],
    ['pid', String(process.pid)],
    ['start', typeof start === 'string' ? start : undefined],
    ['dir', owner.dir.length < 240 ? owner.dir : undefined],
    ['claim', claim.key.slice(0, 240)],
  ];
  return fields
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([k, v]) => `"${k}=${v.replace(/["\\]/g, '')}"`)
    .join(' ');
}

function parseValue(value: string): LockHolder | undefined {
  const fields = new Map<string, string>();
  for (const m of value.matchAll(/"([a-z]+)=([^"]*)"/g)) fields.set(m[1]!, m[2]!);
  const runId = fields.get('run');
  const pid = Number(fields.get('pid'));
  if (!runId || !Number.isInteger(pid)) return undefined;
  const [pidStart, dir] = [fields.get('start'), fields.get('dir')];
  return {
    runId,
    host: fields.get('host') ?? '?',
    pid,
    claim: fields.get('claim') ?? '?',
    ...(pidStart ? { pidStart } : {}),
    ...(dir ? { dir } : {}),
  };
}

function bareId(id: string): string {
  return id.replace(/^\/?hostedzone\//, '');
}

/** A Route 53 client for the lock zone on a target: the endpoint with dummy credentials, or AWS's default chain. */
export function lockClient(endpoint: string | undefined): Route53Client {
  return new Route53Client({
    region: 'us-east-1',
    maxAttempts: 3,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } : {}),
  });
}
