/**
 * Tag that provisionRegion sets, at creation, on the table, functions and REST API it creates:
 * its value is the run id. The rollback deletes by name only what carries the run's own id, so a
 * stack that existed before the run (LocalStack's init-resources.sh, a user's deployment) and was
 * only reused is never deleted.
 */
export const RUN_ID_TAG = 'failover-engine:run-id';
