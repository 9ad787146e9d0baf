import { ServiceError } from '../protocol/ServiceError.ts';
import { ACCOUNT_ID, type Operation, type RequestContext } from '../types.ts';
import { locateQualified } from './functionArn.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import { typedHandler } from './lambdaInput.ts';
import { AddPermissionInput, PolicyInput, RemovePermissionInput } from './policyInput.ts';
import { resolveQualifier } from './qualifiers.ts';

/**
 * The resource policy: AddPermission, GetPolicy, RemovePermission. Statements are stored and
 * returned as AWS shapes them (localstack `api_utils.build_statement`), but not enforced:
 * every caller may invoke every function, as in LocalStack. Each published version and each
 * alias has a policy of its own (`Qualifier`), whose statements name the qualified ARN.
 */
const QUALIFIER = { Qualifier: 'Qualifier' };

/** The policy a request names: the function's, a version's or an alias's. */
interface PolicyHolder {
  resource: string;
  statements: Record<string, unknown>[];
  revisionId: string;
}

export function policyOperations(backend: LambdaBackend): Operation[] {
  const locate = (input: PolicyInput, ctx: RequestContext): PolicyHolder => {
    const loc = locateQualified(input.FunctionName, input.Qualifier);
    if (loc.qualifier === '$LATEST') {
      throw new ServiceError('InvalidParameterValueException', 'We currently do not support adding policies for $LATEST.');
    }
    const { target, alias } = resolveQualifier(backend, loc.region ?? ctx.region, loc.name, loc.qualifier);
    if (alias) return { resource: alias.arn, statements: alias.statements, revisionId: alias.revisionId };
    return { resource: target.arn, statements: target.statements, revisionId: target.revisionId };
  };

  return [
    {
      name: 'AddPermission',
      http: { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/policy', query: QUALIFIER, status: 201 },
      handler: typedHandler(AddPermissionInput, (input, ctx) => {
        const holder = locate(input, ctx);
        const sid = input.StatementId;
        if (typeof sid !== 'string' || !/^[a-zA-Z0-9-_]+$/.test(sid)) {
          throw new ServiceError(
            'ValidationException',
            `1 validation error detected: Value '${String(sid)}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)`,
          );
        }
        if (holder.statements.some((s) => s.Sid === sid)) {
          throw new ServiceError(
            'ResourceConflictException',
            `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
            { status: 409 },
          );
        }
        const statement = buildStatement(holder.resource, sid, input);
        holder.statements.push(statement);
        return { Statement: JSON.stringify(statement) };
      }),
    },
    {
      name: 'GetPolicy',
      http: { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/policy', query: QUALIFIER },
      handler: typedHandler(PolicyInput, (input, ctx) => {
        const holder = locate(input, ctx);
        if (holder.statements.length === 0) {
          throw new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', { status: 404 });
        }
        return {
          Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: holder.statements }),
          RevisionId: holder.revisionId,
        };
      }),
    },
    {
      name: 'RemovePermission',
      http: { method: 'DELETE', path: '/2015-03-31/functions/{FunctionName}/policy/{StatementId}', query: QUALIFIER, status: 204 },
      handler: typedHandler(RemovePermissionInput, (input, ctx) => {
        const loc = locateQualified(input.FunctionName, input.Qualifier);
        if (!backend.findFunction(loc.region ?? ctx.region, loc.name)) {
          throw new ServiceError(
            'ResourceNotFoundException',
            `No policy found for: arn:aws:lambda:${loc.region ?? ctx.region}:${ACCOUNT_ID}:function:${loc.name}`,
            { status: 404 },
          );
        }
        const { statements } = locate(input, ctx);
        if (statements.length === 0) {
          throw new ServiceError('ResourceNotFoundException', 'No policy is associated with the given resource.', { status: 404 });
        }
        const at = statements.findIndex((s) => s.Sid === input.StatementId);
        if (at < 0) {
          throw new ServiceError('ResourceNotFoundException', `Statement ${input.StatementId} is not found in resource policy.`, {
            status: 404,
          });
        }
        statements.splice(at, 1);
        return undefined;
      }),
    },
  ];
}

/** The members that become `StringEquals` conditions, with the condition key each sets. */
const STRING_EQUALS = [
  ['FunctionUrlAuthType', 'lambda:FunctionUrlAuthType'],
  ['SourceAccount', 'AWS:SourceAccount'],
  ['PrincipalOrgID', 'aws:PrincipalOrgID'],
  ['EventSourceToken', 'lambda:EventSourceToken'],
] as const;

function buildStatement(resource: string, sid: string, input: AddPermissionInput): Record<string, unknown> {
  const principal = input.Principal ?? '';
  const statement: Record<string, unknown> = { Sid: sid, Effect: 'Allow', Action: input.Action, Resource: resource };
  if (principal === '*') statement.Principal = principal;
  else if (principal.endsWith('.amazonaws.com')) statement.Principal = { Service: principal };
  else if (/^\d{12}$/.test(principal)) statement.Principal = { AWS: `arn:aws:iam::${principal}:root` };
  else statement.Principal = { AWS: principal };
  const equals: Record<string, string> = {};
  for (const [member, key] of STRING_EQUALS) {
    const value = input[member];
    if (value !== undefined && value !== null) equals[key] = value;
  }
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(equals).length > 0) condition.StringEquals = equals;
  if (input.SourceArn !== undefined && input.SourceArn !== null) condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
}
