import { randomBytes } from 'node:crypto';
import type { JournalRollback } from './journal.ts';
import type { StepNode } from './workflow.ts';

/** Creates a run id: sortable UTC time plus randomness. */
export function createRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** A step's rollback spec as the journal keeps it (override params unresolved). */
export function journalRollback(node: StepNode): JournalRollback {
  return node.rollback.kind === 'override' ? { kind: 'override', type: node.rollback.type, params: node.rollback.params } : node.rollback;
}

