/**
 * The tag every step sets, in the call that creates a resource wherever AWS allows it
 * (CreateTable `Tags`, CreateFunction `Tags`, CreateRestApi `tags`, FIS `tags`): its value is the
 * run id. A rollback deletes by name only what carries the run's own id, so a stack that existed
 * before the run (LocalStack's init-resources.sh, a user's deployment) and was only reused is
 * never deleted; and the rollback's sweep (engine/sweep.ts) finds by this tag whatever the run
 * created that its journal does not account for.
 */
export const RUN_TAG = 'failover-engine:run';

/** The key engine versions before 0.1 used on provisionRegion's resources; still read, never written. */
export const LEGACY_RUN_TAG = 'failover-engine:run-id';

/** The tag map a create call carries. */
export function runTag(runId: string): Record<string, string> {
  return { [RUN_TAG]: runId };
}

/** Whether a resource's tags (as a map) mark it as created by `runId`. */
export function carriesRun(tags: Record<string, string> | undefined, runId: string): boolean {
  return tags?.[RUN_TAG] === runId || tags?.[LEGACY_RUN_TAG] === runId;
}

/** Whether a resource's tags (as DynamoDB's `{Key, Value}` list) mark it as created by `runId`. */
export function tagListCarriesRun(tags: Array<{ Key?: string; Value?: string }> | undefined, runId: string): boolean {
  return carriesRun(Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])), runId);
}
