import type { StepRegistry } from './registry.ts';
import { resolveTemplates, type TemplateContext } from './template.ts';
import type { Claim } from './types.ts';
import { flattenSteps, type Workflow } from './workflow.ts';

/**
 * The names a run will take on its target, from each step's `claims(params)` (see
 * `StepDefinition.claims`), before anything runs. Params are resolved with what is known before
 * the first step (inputs, env, secrets, target, run); a claim whose value still depends on
 * another step's outputs cannot be known yet and is left out.
 */

/** One claim with its lock key (`zone:hello-localstack.com.`, `restApiId:us-east-1:12345`) and the step making it. */
export interface KeyedClaim {
  key: string;
  claim: Claim;
  stepId: string;
}

/** The lock key of a claim: the kind, the region where the name is regional, the name. */
export function claimKey(claim: Claim): string {
  switch (claim.kind) {
    case 'zone':
      return `zone:${claim.name.toLowerCase()}`;
    case 'restApiId':
      return `restApiId:${claim.region ?? '*'}:${claim.id}`;
    default:
      return `${claim.kind}:${claim.region}:${claim.name}`;
  }
}

/** `zone hello-localstack.com.`, `table Products in us-east-1`: for messages. */
export function describeClaim(claim: Claim): string {
  switch (claim.kind) {
    case 'zone':
      return `zone ${claim.name}`;
    case 'restApiId':
      return `REST API id ${claim.id}${claim.region ? ` in ${claim.region}` : ''}`;
    default:
      return `${claim.kind} ${claim.name} in ${claim.region}`;
  }
}

/** Every distinct claim of the workflow's steps, in document order. */
export function workflowClaims(workflow: Workflow, registry: StepRegistry, context: TemplateContext): KeyedClaim[] {
  const claims = new Map<string, KeyedClaim>();
  for (const node of flattenSteps(workflow.steps)) {
    const def = registry.get(node.type);
    if (!def?.claims) continue;
    let params: unknown;
    try {
      params = resolveTemplates(node.params, context);
    } catch {
      continue; // reads another step's outputs: not known before the run
    }
    // Claims read params as `run` does: with the schema's defaults applied (on this copy).
    if (registry.validate(node.type, params).length > 0) continue;
    let made: Claim[];
    try {
      made = def.claims(params);
    } catch {
      continue;
    }
    for (const claim of made) {
      if (JSON.stringify(claim).includes('${{')) continue;
      const key = claimKey(claim);
      if (!claims.has(key)) claims.set(key, { key, claim, stepId: node.id });
    }
  }
  return [...claims.values()];
}
