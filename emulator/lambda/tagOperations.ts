import { ServiceError } from '../protocol/ServiceError.ts';
import { Type } from '@sinclair/typebox';
import type { Operation } from '../types.ts';
import { functionNotFound, validationError } from './functionArn.ts';
import type { LambdaBackend } from './LambdaBackend.ts';
import type { FunctionRecord } from './LambdaStore.ts';
import { Maybe, StringMap, typedHandler } from './lambdaInput.ts';

const FUNCTION_ARN_RE = /^arn:(aws[a-zA-Z-]*)?:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)(:([a-zA-Z0-9-_$.]+))?$/;
const MAX_TAGS = 50;

/** `Resource` is the path label; TagResource's `Tags` (body) and UntagResource's `TagKeys` (query, repeated). */
const TagInput = Type.Object({
  Resource: Type.String(),
  Tags: Maybe(StringMap),
  TagKeys: Maybe(Type.Array(Type.String())),
});

/**
 * TagResource, UntagResource, ListTags for functions (the tags CreateFunction's `Tags` set too).
 * Tags belong to the function: a version's or alias's ARN is AWS's 400, another resource type
 * (event source mapping, code signing config) a ValidationException quoting AWS's pattern.
 */
export function tagOperations(backend: LambdaBackend): Operation[] {
  const locate = (input: { Resource: string }): FunctionRecord => {
    const arn = input.Resource;
    const m = FUNCTION_ARN_RE.exec(arn);
    if (!m) {
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value '${arn}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|capacity-provider:[a-zA-Z0-9-_]+)`,
      );
    }
    if (m[6] !== undefined) {
      throw new ServiceError(
        'InvalidParameterValueException',
        'Tags on function aliases and versions are not supported. Please specify a function ARN.',
      );
    }
    const region = m[2]!;
    const fn = backend.findFunction(region, m[4]!);
    if (!fn) throw functionNotFound(region, m[4]!);
    return fn;
  };
  const path = '/2017-03-31/tags/{Resource}';
  return [
    {
      name: 'TagResource',
      http: { method: 'POST', path, status: 204 },
      handler: typedHandler(TagInput, (input) => {
        const fn = locate(input);
        const tags = input.Tags;
        if (!tags) throw validationError(tags, 'tags', 'Member must not be null');
        const next = { ...fn.tags, ...tags };
        if (Object.keys(next).length > MAX_TAGS) {
          throw new ServiceError('InvalidParameterValueException', `Number of tags exceeds resource tag limit.`);
        }
        fn.tags = next;
        return undefined;
      }),
    },
    {
      name: 'UntagResource',
      http: { method: 'DELETE', path, query: { tagKeys: { list: 'TagKeys' } }, status: 204 },
      handler: typedHandler(TagInput, (input) => {
        const fn = locate(input);
        const keys = input.TagKeys ?? [];
        fn.tags = Object.fromEntries(Object.entries(fn.tags).filter(([k]) => !keys.includes(k)));
        return undefined;
      }),
    },
    {
      name: 'ListTags',
      http: { method: 'GET', path },
      handler: (input: { Resource: string }) => ({ Tags: locate(input).tags }),
    },
  ];
}
