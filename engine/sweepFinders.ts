import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { DeleteExperimentTemplateCommand, FisClient } from '@aws-sdk/client-fis';
import { LambdaClient, ListFunctionsCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import {
  DeleteHealthCheckCommand,
  DeleteHostedZoneCommand,
  ListHealthChecksCommand,
  ListHostedZonesCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { ignoreNotFound, isAwsError, isNotFound } from '../steps/support/awsErrors.ts';
import { runTokenPrefix } from '../steps/support/callerReference.ts';
import { FINISHED_STATUSES, listExperiments, listExperimentTemplates, stopAndWait } from '../steps/support/fis.ts';
import { carriesRun, tagListCarriesRun } from '../steps/support/provision/marker.ts';
import { deleteFunction } from '../steps/support/provision/functions.ts';
import { deleteRestApi } from '../steps/support/provision/restApi.ts';
import { deleteTable } from '../steps/support/provision/table.ts';
import { nextMarker, pages } from '../steps/support/pages.ts';
import { deleteRecords } from '../steps/support/recordSets.ts';
import type { StepContext } from './types.ts';

/** Something a run created, found by its tag (or caller reference), and how to remove it. */
export interface Leftover {
  /** `table Products (us-east-1)`: what the sweep prints and journals. */
  description: string;
  remove(): Promise<unknown>;
}

/** Finds, in one region, what carries the run's mark in one service. */
export interface SweepFinder {
  /** What it looks for, for messages: `DynamoDB tables`. */
  what: string;
  /** Route 53 is global: its finder runs once, in us-east-1. */
  global?: boolean;
  find(ctx: StepContext, region: string): Promise<Leftover[]>;
}

/**
 * The finders, in the order the sweep removes what they find: running experiments are
 * stopped before anything else (they may be injecting faults into the rest), APIs before the
 * functions behind them, a function's event source mappings with it, tables last; Route 53's
 * health checks and zones are found by the run's caller-reference prefix, since Route 53
 * cannot tag them in the call that creates them.
 */
export const SWEEP_FINDERS: readonly SweepFinder[] = [
  { what: 'FIS experiments still running', find: findExperiments },
  { what: 'FIS experiment templates', find: findExperimentTemplates },
  { what: 'API Gateway REST APIs', find: findRestApis },
  { what: 'Lambda functions', find: findFunctions },
  { what: 'DynamoDB tables', find: findTables },
  { what: 'Route 53 health checks', global: true, find: findHealthChecks },
  { what: 'Route 53 hosted zones', global: true, find: findHostedZones },
];

async function findExperiments(ctx: StepContext, region: string): Promise<Leftover[]> {
  const fis = ctx.target.client(FisClient, region);
  return (await listExperiments(fis, ctx.signal)).flatMap((e) => {
    const status = e.state?.status;
    const id = e.id;
    if (!id || !carriesRun(e.tags, ctx.runId) || (status && FINISHED_STATUSES.includes(status))) return [];
    return [
      { description: `FIS experiment ${id} ${status ?? ''} (${region})`, remove: async () => void (await stopAndWait(fis, id, ctx)) },
    ];
  });
}

async function findExperimentTemplates(ctx: StepContext, region: string): Promise<Leftover[]> {
  const fis = ctx.target.client(FisClient, region);
  return (await listExperimentTemplates(fis, ctx.signal)).flatMap((t) => {
    const id = t.id;
    if (!id || !carriesRun(t.tags, ctx.runId)) return [];
    return [
      {
        description: `FIS experiment template ${id} (${region})`,
        remove: () => ignoreNotFound(() => fis.send(new DeleteExperimentTemplateCommand({ id }), { abortSignal: ctx.signal })),
      },
    ];
  });
}

async function findRestApis(ctx: StepContext, region: string): Promise<Leftover[]> {
  const apigw = ctx.target.client(APIGatewayClient, region);
  const found: Leftover[] = [];
  const fetch = (position?: string) => apigw.send(new GetRestApisCommand({ limit: 500, position }), { abortSignal: ctx.signal });
  for await (const page of pages(fetch, (p) => p.position)) {
    for (const api of page.items ?? []) {
      if (!api.id || !carriesRun(api.tags, ctx.runId)) continue;
      const id = api.id;
      found.push({ description: `REST API ${id} ${api.name ?? ''} (${region})`, remove: () => deleteRestApi(apigw, id, ctx) });
    }
  }
  return found;
}

async function findFunctions(ctx: StepContext, region: string): Promise<Leftover[]> {
  const lambda = ctx.target.client(LambdaClient, region);
  const found: Leftover[] = [];
  const fetch = (Marker?: string) => lambda.send(new ListFunctionsCommand({ Marker }), { abortSignal: ctx.signal });
  for await (const page of pages(fetch, (p) => p.NextMarker)) {
    for (const fn of page.Functions ?? []) {
      if (!fn.FunctionName || !fn.FunctionArn) continue;
      const tags = await unlessGone(() => lambda.send(new ListTagsCommand({ Resource: fn.FunctionArn }), { abortSignal: ctx.signal }));
      if (!carriesRun(tags?.Tags, ctx.runId)) continue;
      const name = fn.FunctionName;
      // deleteFunction removes the function's event source mappings first, and waits for them.
      found.push({ description: `Lambda function ${name} (${region})`, remove: () => deleteFunction(lambda, name, ctx) });
    }
  }
  return found;
}

async function findTables(ctx: StepContext, region: string): Promise<Leftover[]> {
  const dynamo = ctx.target.client(DynamoDBClient, region);
  const found: Leftover[] = [];
  const fetch = (start?: string) => dynamo.send(new ListTablesCommand({ ExclusiveStartTableName: start }), { abortSignal: ctx.signal });
  for await (const page of pages(fetch, (p) => p.LastEvaluatedTableName)) {
    for (const name of page.TableNames ?? []) {
      const table = await unlessGone(() => dynamo.send(new DescribeTableCommand({ TableName: name }), { abortSignal: ctx.signal }));
      const arn = table?.Table?.TableArn;
      if (!arn) continue;
      const tags = await unlessGone(() => dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: arn }), { abortSignal: ctx.signal }));
      if (!tagListCarriesRun(tags?.Tags, ctx.runId)) continue;
      found.push({ description: `DynamoDB table ${name} (${region})`, remove: () => deleteTable(dynamo, name, ctx) });
    }
  }
  return found;
}

async function findHealthChecks(ctx: StepContext, region: string): Promise<Leftover[]> {
  const route53 = ctx.target.client(Route53Client, region);
  const prefix = runTokenPrefix(ctx.runId);
  const found: Leftover[] = [];
  const fetch = (Marker?: string) => route53.send(new ListHealthChecksCommand({ Marker }), { abortSignal: ctx.signal });
  for await (const page of pages(fetch, nextMarker)) {
    for (const check of page.HealthChecks ?? []) {
      if (!check.Id || !check.CallerReference?.startsWith(prefix)) continue;
      const id = check.Id;
      found.push({
        description: `Route 53 health check ${id}`,
        remove: () => ignoreNotFound(() => route53.send(new DeleteHealthCheckCommand({ HealthCheckId: id }), { abortSignal: ctx.signal })),
      });
    }
  }
  return found;
}

async function findHostedZones(ctx: StepContext, region: string): Promise<Leftover[]> {
  const route53 = ctx.target.client(Route53Client, region);
  const prefix = runTokenPrefix(ctx.runId);
  const found: Leftover[] = [];
  const fetch = (Marker?: string) => route53.send(new ListHostedZonesCommand({ Marker }), { abortSignal: ctx.signal });
  for await (const page of pages(fetch, nextMarker)) {
    for (const zone of page.HostedZones ?? []) {
      if (!zone.Id || !zone.CallerReference?.startsWith(prefix)) continue;
      const id = zone.Id;
      const remove = async () => {
        await deleteRecords(route53, id, ctx);
        await route53.send(new DeleteHostedZoneCommand({ Id: id }), { abortSignal: ctx.signal });
      };
      found.push({ description: `Route 53 hosted zone ${id} ${zone.Name ?? ''}`, remove: () => ignoreNotFound(remove) });
    }
  }
  return found;
}

/** Whether an error says the service is not offered by the target at all (nothing can have been created with it). */
export function serviceAbsent(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status === 501 || isAwsError(error, 'UnknownOperationException');
}

/** The action's result, or undefined when the resource is gone (deleted between list and look). */
async function unlessGone<T>(action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
