import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CreateExperimentTemplateCommand,
  DeleteExperimentTemplateCommand,
  FisClient,
  StartExperimentCommand,
  type CreateExperimentTemplateCommandInput,
} from '@aws-sdk/client-fis';
import { Type } from '@sinclair/typebox';
import { defineStep, type StepParams } from './define.ts';
import type { StepContext } from '../engine/types.ts';
import { NonRetryableError } from '../engine/errors.ts';
import { ignoreNotFound } from './support/awsErrors.ts';
import { idempotencyToken, runTags } from './support/callerReference.ts';
import { experimentStatus, FINISHED_STATUSES, listExperiments, listExperimentTemplates, stopAndWait } from './support/fis.ts';

type ExperimentTemplate = Omit<CreateExperimentTemplateCommandInput, 'clientToken'>;

const startParams = Type.Object(
  {
    region: Type.String({ minLength: 1, description: 'Region of the experiment; LocalStack faults default to it (e.g. us-east-1).' }),
    template: Type.Optional(
      Type.Unsafe<Record<string, unknown>>({
        type: 'object',
        required: ['actions'],
        description:
          'Inline experiment template: {actions, description, stopConditions, roleArn, targets?, tags?} as for CreateExperimentTemplate.',
      }),
    ),
    templateFile: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'JSON template file, relative to the workflow file, e.g. experiments/experiment-lambda.json (the --cli-input-json file).',
      }),
    ),
  },
  { additionalProperties: false, oneOf: [{ required: ['template'] }, { required: ['templateFile'] }] },
);
type StartExperimentParams = StepParams<typeof startParams>;

/**
 * The tutorial's `aws fis create-experiment-template --cli-input-json file://experiment-lambda.json
 * --region us-east-1` then `aws fis start-experiment --experiment-template-id …`. The template is
 * passed as written (the tutorial's malformed roleArn `arn:aws:iam:000000000000:…` included;
 * LocalStack and the emulator accept it, real AWS would not). Both calls carry client tokens
 * derived from the run and step, so a retried attempt starts nothing twice, and the template is
 * tagged with the run and step so a rollback without outputs finds it.
 */
export default defineStep({
  type: 'startExperiment',
  effects: (p, where) => [
    {
      action: 'break',
      resource: `FIS experiment ${p.templateFile ? `from ${p.templateFile}` : '(inline template)'}`,
      region: p.region,
      detail: `${describeFaults(p.template ?? readTemplate(where.workflowDir, p.templateFile))} (rollback stops the experiment and deletes its template)`,
    },
  ],
  description:
    'Create an FIS experiment template (inline or from a JSON file) and start it. Rollback stops the experiment and deletes the template.',
  params: startParams,
  outputs: Type.Object({
    experimentId: Type.String({ description: 'Id of the running experiment.' }),
    templateId: Type.String({ description: 'Id of the experiment template.' }),
    startedAt: Type.Integer({ description: 'Epoch ms when the experiment started (engine clock); use as awaitDnsTarget `since`.' }),
    status: Type.String({ description: 'Experiment status StartExperiment reported (running, initiating, ...).' }),
  }),
  async run(params, ctx) {
    const template = await loadTemplate(params, ctx);
    const fis = ctx.target.client(FisClient, params.region);
    const created = await fis.send(
      new CreateExperimentTemplateCommand({
        ...template,
        tags: { ...(template.tags ?? {}), ...runTags(ctx) },
        clientToken: idempotencyToken(ctx, 'template'),
      }),
      { abortSignal: ctx.signal },
    );
    const templateId = created.experimentTemplate?.id ?? '';
    const started = await fis.send(
      new StartExperimentCommand({
        experimentTemplateId: templateId,
        clientToken: idempotencyToken(ctx, 'experiment'),
        tags: runTags(ctx),
      }),
      { abortSignal: ctx.signal },
    );
    return {
      experimentId: started.experiment?.id ?? '',
      templateId,
      startedAt: ctx.clock.now(),
      status: started.experiment?.state?.status ?? 'unknown',
    };
  },
  async rollback(params, ctx, outputs) {
    const fis = ctx.target.client(FisClient, params.region);
    const templateIds = outputs ? [outputs.templateId] : await findTemplates(fis, ctx);
    for (const templateId of templateIds) {
      const experimentIds = outputs ? [outputs.experimentId] : await findRunningExperiments(fis, templateId, ctx);
      for (const id of experimentIds) {
        // Often a later step (stopExperiment) ended it already: say so, rather than claim the stop.
        const before = await experimentStatus(fis, id, ctx.signal);
        if (before === undefined || FINISHED_STATUSES.includes(before)) {
          ctx.log.info(`startExperiment rollback: experiment ${id} was already ${before ?? 'gone'}; nothing to stop`);
        } else {
          const status = await stopAndWait(fis, id, ctx);
          ctx.log.info(`startExperiment rollback: experiment ${id} ${status ?? 'not found'}`);
        }
      }
      await ignoreNotFound(() => fis.send(new DeleteExperimentTemplateCommand({ id: templateId }), { abortSignal: ctx.signal }));
    }
  },
});

/** The template from `template` or `templateFile`; bad input is not retryable. */
async function loadTemplate(params: StartExperimentParams, ctx: StepContext): Promise<ExperimentTemplate> {
  if ((params.template === undefined) === (params.templateFile === undefined)) {
    throw new NonRetryableError('startExperiment: give exactly one of template or templateFile');
  }
  if (params.template) return params.template as unknown as ExperimentTemplate;
  const file = path.resolve(ctx.workflowDir, params.templateFile!);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new NonRetryableError(`startExperiment: cannot read templateFile ${file}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new NonRetryableError(`startExperiment: templateFile ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('actions' in parsed)) {
    throw new NonRetryableError(`startExperiment: templateFile ${file} must hold an experiment template object with "actions"`);
  }
  return parsed as ExperimentTemplate;
}

/** Templates this run's step created (by tag). */
async function findTemplates(fis: FisClient, ctx: StepContext): Promise<string[]> {
  const tags = runTags(ctx);
  const templates = await listExperimentTemplates(fis, ctx.signal);
  return templates.flatMap((t) => (t.id && Object.entries(tags).every(([k, v]) => t.tags?.[k] === v) ? [t.id] : []));
}

/** Experiments of a template that may still be injecting faults. */
async function findRunningExperiments(fis: FisClient, templateId: string, ctx: StepContext): Promise<string[]> {
  const experiments = await listExperiments(fis, ctx.signal);
  return experiments.flatMap((e) => {
    const status = e.state?.status;
    return e.id && e.experimentTemplateId === templateId && !(status && FINISHED_STATUSES.includes(status)) ? [e.id] : [];
  });
}

/** The template file's JSON for `engine plan` (a local read, no request); undefined when unreadable. */
function readTemplate(workflowDir: string, templateFile: string | undefined): Record<string, unknown> | undefined {
  if (!templateFile) return undefined;
  try {
    return JSON.parse(readFileSync(path.resolve(workflowDir, templateFile), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** One phrase per action: `localstack:generic:api-error on lambda Invoke (100 %, 500)`. */
function describeFaults(template: Record<string, unknown> | undefined): string {
  const actions = template?.['actions'];
  if (!actions || typeof actions !== 'object') return 'faults unknown (template not readable)';
  return Object.values(actions as Record<string, { actionId?: string; parameters?: Record<string, string> }>)
    .map((a) => {
      const p = a.parameters ?? {};
      const what = [p['service'], p['operation']].filter(Boolean).join(' ');
      const how = [
        p['percentage'] ? `${p['percentage']} %` : '',
        p['errorCode'] ?? '',
        p['latencyMilliseconds'] ? `+${p['latencyMilliseconds']} ms` : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `${a.actionId ?? '?'}${what ? ` on ${what}` : ''}${how ? ` (${how})` : ''}`;
    })
    .join('; ');
}
