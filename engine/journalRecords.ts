/**
 * The shape every journal record kind must have to be read: the fields readers rely on, with
 * their JSON types. A record missing one is skipped with a reason instead of breaking
 * `engine runs` or `engine rollback`. Kinds not listed (from a newer engine) are kept.
 */

type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';

const REQUIRED: Record<string, Record<string, FieldType>> = {
  'run-start': { runId: 'string', workflow: 'object', inputs: 'object', cleanup: 'string', pid: 'number' },
  'target-acquired': { target: 'object' },
  transition: { event: 'string' },
  'step-intent': { stepId: 'string', type: 'string', rollback: 'object', needsTarget: 'boolean' },
  'step-skipped': { stepId: 'string', type: 'string' },
  'step-retry': { stepId: 'string', attempt: 'number', delayMs: 'number', error: 'object' },
  'step-result': { stepId: 'string', status: 'string', attempts: 'number', durationMs: 'number' },
  'compensation-start': { stepId: 'string', type: 'string' },
  'compensation-result': { stepId: 'string', status: 'string', durationMs: 'number' },
  'run-dirty': { reason: 'string' },
  'run-end': { status: 'string', exitCode: 'number' },
  'rollback-start': { pid: 'number', pending: 'array' },
  'rollback-end': { status: 'string', exitCode: 'number' },
  sweep: { swept: 'array', failed: 'array' },
  // A drill's evidence (engine/evidence.ts), measures and verdicts (engine/drillEvents.ts).
  'fault-start': {},
  'fault-stop': {},
  'health-check-status': { healthCheckId: 'string', healthy: 'boolean' },
  'dns-answer': { name: 'string', values: 'array', status: 'string' },
  'client-request': { probe: 'string', ok: 'boolean', status: 'number' },
  'write-ack': { probe: 'string', record: 'number', acknowledged: 'boolean' },
  'write-readback': { probe: 'string', record: 'number', found: 'boolean' },
  measures: { measures: 'object' },
  verdict: { name: 'string', expression: 'string', pass: 'boolean' },
};

/** Nested shapes readers rely on. */
const NESTED: Record<string, (record: Record<string, unknown>) => string | undefined> = {
  'run-start': (r) => {
    const w = r.workflow as Record<string, unknown>;
    return ['file', 'name', 'dir'].every((k) => typeof w[k] === 'string') ? undefined : 'workflow needs file, name and dir';
  },
  'step-intent': (r) => {
    const kind = (r.rollback as { kind?: unknown }).kind;
    if (kind === 'default' || kind === 'none') return undefined;
    const { type, params } = r.rollback as { type?: unknown; params?: unknown };
    return kind === 'override' && typeof type === 'string' && typeOf(params) === 'object'
      ? undefined
      : 'rollback is not default, none or an override { type, params }';
  },
};

function typeOf(value: unknown): FieldType | 'null' | 'undefined' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' || t === 'undefined' ? t : 'other';
}

/** Why a parsed line is not a readable record, or undefined when it is one. */
export function recordProblem(value: unknown): string | undefined {
  if (typeOf(value) !== 'object') return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record.kind !== 'string') return 'no kind';
  if (typeof record.seq !== 'number') return `${record.kind} without seq`;
  const fields = REQUIRED[record.kind];
  if (!fields) return undefined;
  for (const [name, type] of Object.entries(fields)) {
    if (typeOf(record[name]) !== type) return `${record.kind} without ${type} ${name}`;
  }
  return NESTED[record.kind]?.(record);
}
