import type { StepRegistry } from './registry.ts';
import { flattenSteps, type Workflow } from './workflow.ts';

/**
 * What each step type needs from a target beyond "an endpoint": AWS services (as LocalStack
 * names them in `/_localstack/health`), and {@link ZONE_DNS}, a DNS server that answers the
 * target's Route 53 zones (with failover following health checks). Preflight compares this with
 * what the target offers before anything is created. Step types not listed need nothing more
 * (generic steps, `httpRequest`).
 */

/** Route 53 zones answered on the target's DNS server (the emulator and LocalStack Pro; not Community). */
export const ZONE_DNS = 'route53 zones on DNS';

const STEP_SERVICES: Record<string, readonly string[]> = {
  provisionRegion: ['dynamodb', 'lambda', 'apigateway'],
  awaitItem: ['dynamodb'],
  createZone: ['route53'],
  createHealthCheck: ['route53'],
  updateHealthCheck: ['route53'],
  upsertFailoverRecords: ['route53'],
  awaitDnsTarget: ['route53', ZONE_DNS],
  fetchProduct: ['route53', ZONE_DNS],
  startExperiment: ['fis'],
  stopExperiment: ['fis'],
};

/** One need of one step: `step` (its id and type) needs `service`. */
export interface StepNeed {
  stepId: string;
  type: string;
  service: string;
}

/** Every need of the workflow's steps and rollback overrides, in document order. */
export function workflowNeeds(workflow: Workflow): StepNeed[] {
  const needs: StepNeed[] = [];
  for (const node of flattenSteps(workflow.steps)) {
    const types = node.rollback.kind === 'override' ? [node.type, node.rollback.type] : [node.type];
    for (const type of types) for (const service of STEP_SERVICES[type] ?? []) needs.push({ stepId: node.id, type, service });
    // Replication streams the table into a function: DynamoDB Streams too.
    if (node.type === 'provisionRegion' && node.params.replicateTo !== undefined)
      needs.push({ stepId: node.id, type: node.type, service: 'dynamodbstreams' });
  }
  return needs;
}

/** Whether any step (or rollback override) of the workflow calls the target. */
export function workflowNeedsTarget(workflow: Workflow, registry: StepRegistry): boolean {
  return flattenSteps(workflow.steps).some(
    (n) => registry.needsTarget(n.type) || (n.rollback.kind === 'override' && registry.needsTarget(n.rollback.type)),
  );
}
