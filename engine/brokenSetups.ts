import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileRetryPolicy } from './retry.ts';
import { flattenSteps, type StepNode, type Workflow, type WorkflowNode } from './workflow.ts';

/**
 * The broken setups `engine prove` runs a drill against: each is a declarative change of the
 * loaded workflow that a drill worth its name must notice. They work on step types (the FIS,
 * Route 53 and provisioning steps), not on ids, so any drill built from them can be proven.
 * `apply` returns the changed copy, or a reason why the setup does not apply to this drill.
 */
export interface BrokenSetup {
  id: string;
  /** What is broken, as the table prints it. */
  title: string;
  apply(workflow: Workflow): Workflow | { notApplicable: string };
}

export const BROKEN_SETUPS: readonly BrokenSetup[] = [
  {
    // Route 53 takes a failover record without a health check as always healthy: missing and
    // always healthy are one broken setup.
    id: 'health-check-missing',
    title: 'health check missing or always healthy (PRIMARY without HealthCheckId)',
    apply: (wf) => editSteps(wf, 'upsertFailoverRecords', (s) => void delete (s.params.primary as Record<string, unknown>).healthCheckId),
  },
  {
    id: 'no-secondary',
    title: 'no SECONDARY record',
    apply: (wf) => insertAfter(wf, 'upsertFailoverRecords', (s) => [deleteSecondary(s)]),
  },
  {
    id: 'replication-paused',
    title: 'replication paused (stream mapping disabled once the seed replicated)',
    apply: pauseReplication,
  },
  {
    id: 'ttl-one-day',
    title: 'TTL 86,400 on the failover records',
    apply: (wf) =>
      editSteps(wf, 'upsertFailoverRecords', (s) => {
        s.params.ttl = 86_400;
      }),
  },
  {
    id: 'standby-broken',
    title: 'the standby region broken too (a second FIS experiment)',
    apply: (wf) => {
      const standby = standbyRegion(wf);
      if (!standby) return { notApplicable: 'no provisionRegion step with replicateTo names a standby region' };
      return insertAfter(wf, 'startExperiment', (s) => [
        { ...s, id: `${s.id}StandbyToo`, params: { ...structuredClone(s.params), region: standby }, pointer: `${s.pointer}+standby` },
      ]);
    },
  },
  {
    id: 'fault-not-applied',
    title: 'FIS fault not applied (the experiment runs, its actions hit 0% of calls)',
    apply: (wf) =>
      editSteps(wf, 'startExperiment', (s) => {
        const template =
          typeof s.params.templateFile === 'string'
            ? (JSON.parse(readFileSync(resolve(wf.dir, s.params.templateFile), 'utf8')) as Record<string, unknown>)
            : structuredClone(s.params.template as Record<string, unknown>);
        for (const action of Object.values((template.actions ?? {}) as Record<string, { parameters?: Record<string, unknown> }>)) {
          action.parameters = { ...action.parameters, percentage: '0' };
        }
        delete s.params.templateFile;
        s.params.template = template;
      }),
  },
];

/** A copy of the workflow with every step of `type` edited; not applicable when there is none. */
function editSteps(workflow: Workflow, type: string, edit: (step: StepNode) => void): Workflow | { notApplicable: string } {
  const copy = structuredClone(workflow);
  const steps = flattenSteps(copy.steps).filter((s) => s.type === type);
  if (steps.length === 0) return { notApplicable: `no ${type} step` };
  steps.forEach(edit);
  return copy;
}

/** A copy with the steps `make` returns inserted after every step of `type` (in its branch). */
function insertAfter(workflow: Workflow, type: string, make: (step: StepNode) => StepNode[]): Workflow | { notApplicable: string } {
  const copy = structuredClone(workflow);
  let found = false;
  const visit = (nodes: WorkflowNode[]): WorkflowNode[] =>
    nodes.flatMap((node): WorkflowNode[] => {
      if (node.kind === 'parallel') return [{ ...node, branches: node.branches.map((b) => ({ ...b, steps: visit(b.steps) })) }];
      if (node.type !== type) return [node];
      found = true;
      return [node, ...make(node)];
    });
  copy.steps = visit(copy.steps);
  return found ? copy : { notApplicable: `no ${type} step` };
}

/** An `awsCall` step of the prover's own. */
function call(id: string, pointer: string, params: Record<string, unknown>): StepNode {
  return {
    kind: 'step',
    id,
    type: 'awsCall',
    params,
    retry: compileRetryPolicy({ maximumAttempts: 1 }).policy,
    rollback: { kind: 'default' },
    pointer,
  };
}

/** Deletes the SECONDARY alias an upsertFailoverRecords step wrote (its own rollback then finds nothing to undo there). */
function deleteSecondary(step: StepNode): StepNode {
  const p = step.params as { zoneId: string; name: string; type: string; secondary: { setIdentifier: string; recordName: string } };
  const zone = `\${{ ${zoneExpression(p.zoneId)} }}`;
  return call(`${step.id}NoSecondary`, `${step.pointer}+noSecondary`, {
    service: 'route53',
    operation: 'ChangeResourceRecordSets',
    input: {
      HostedZoneId: zone,
      ChangeBatch: {
        Changes: [
          {
            Action: 'DELETE',
            ResourceRecordSet: {
              Name: p.name,
              Type: p.type,
              SetIdentifier: p.secondary.setIdentifier,
              Failover: 'SECONDARY',
              AliasTarget: { HostedZoneId: zone, DNSName: p.secondary.recordName, EvaluateTargetHealth: true },
            },
          },
        ],
      },
    },
  });
}

/** The expression inside `${{ }}` of a zone id param, or the literal quoted. */
function zoneExpression(zoneId: string): string {
  const m = /^\s*\$\{\{\s*([\s\S]*?)\s*\}\}\s*$/.exec(zoneId);
  return m ? m[1]! : `'${zoneId.replace(/'/g, '')}'`;
}

/**
 * Disables every replicating provisionRegion's stream mapping, right after the last `awaitItem`
 * step (the seed has replicated, so the drill's own setup still works), or after the
 * provisioning when there is none; re-enabled on compensation.
 */
function pauseReplication(workflow: Workflow): Workflow | { notApplicable: string } {
  const replicating = flattenSteps(workflow.steps).filter((s) => s.type === 'provisionRegion' && typeof s.params.replicateTo === 'string');
  if (replicating.length === 0) return { notApplicable: 'no provisionRegion step replicates (replicateTo)' };
  const pauses = replicating.map((s) =>
    call(`${s.id}ReplicationPaused`, `${s.pointer}+pause`, {
      service: 'lambda',
      operation: 'UpdateEventSourceMapping',
      region: s.params.region,
      input: { UUID: `\${{ steps.${s.id}.outputs.eventSourceMappingId }}`, Enabled: false },
      undo: { operation: 'UpdateEventSourceMapping', input: { UUID: `\${{ steps.${s.id}.outputs.eventSourceMappingId }}`, Enabled: true } },
    }),
  );
  const awaits = flattenSteps(workflow.steps).filter((s) => s.type === 'awaitItem');
  const after = awaits.at(-1);
  if (!after) return insertAfter(workflow, 'provisionRegion', (s) => pauses.filter((p) => p.id === `${s.id}ReplicationPaused`));
  const copy = structuredClone(workflow);
  const visit = (nodes: WorkflowNode[]): WorkflowNode[] =>
    nodes.flatMap((node): WorkflowNode[] =>
      node.kind === 'parallel'
        ? [{ ...node, branches: node.branches.map((b) => ({ ...b, steps: visit(b.steps) })) }]
        : node.id === after.id
          ? [node, ...pauses]
          : [node],
    );
  copy.steps = visit(copy.steps);
  return copy;
}

/** The region a replicating provisionRegion step copies into. */
function standbyRegion(workflow: Workflow): string | undefined {
  const step = flattenSteps(workflow.steps).find((s) => s.type === 'provisionRegion' && typeof s.params.replicateTo === 'string');
  return step?.params.replicateTo as string | undefined;
}
