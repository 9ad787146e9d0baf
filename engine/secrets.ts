import { SECRET_KEY, SecretMasker } from './mask.ts';
import { forEachString } from './checkReferences.ts';
import { parseTemplateString, pathsOf } from './template.ts';
import type { Workflow } from './workflow.ts';

/**
 * The secrets a run knows before its first step: inputs whose name marks them secret, every
 * `${{ secrets.X }}` the workflow reads (from the environment, as GitHub Actions passes them)
 * and every `${{ env.X }}` whose name marks it secret. Step params and outputs add theirs as the
 * run resolves them (see `stepActors.ts`).
 */
export function runMasker(workflow: Workflow, inputs: Record<string, unknown>, env: Record<string, string | undefined>): SecretMasker {
  const masker = new SecretMasker();
  masker.collect(inputs);
  for (const { root, name } of environmentReads(workflow)) {
    if (root === 'secrets' || SECRET_KEY.test(name)) masker.add(env[name]);
  }
  return masker;
}

/** Every `secrets.X` and `env.X` the workflow's steps and outputs read. */
function environmentReads(workflow: Workflow): Array<{ root: 'secrets' | 'env'; name: string }> {
  const reads: Array<{ root: 'secrets' | 'env'; name: string }> = [];
  forEachString([workflow.steps, workflow.outputs], '', (text) => {
    let parts;
    try {
      parts = parseTemplateString(text);
    } catch {
      return; // the loader reported it
    }
    for (const path of parts.flatMap((p) => pathsOf(p.expr))) {
      const [name] = path.segments;
      if ((path.root === 'secrets' || path.root === 'env') && typeof name === 'string') reads.push({ root: path.root, name });
    }
  });
  return reads;
}
