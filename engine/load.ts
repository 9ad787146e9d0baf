import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { WorkflowLoadError, type LoadIssue } from './errors.ts';
import { createAjv, closest, type StepRegistry } from './registry.ts';
import { locate, toPointer } from './locate.ts';
import { compileRetryPolicy, type RetryPolicyInput } from './retry.ts';
import { parseDuration, unitlessDuration } from './duration.ts';
import { hasTemplate } from './template.ts';
import { decodeUtf8, documentToJs } from './yamlSource.ts';
import { checkReferences } from './checkReferences.ts';
import { expandUse, type UseItem } from './blocks.ts';
import { compileObjectives, type ObjectiveSpec } from './objectiveSpecs.ts';
import { checkObjectiveTypes } from './expression/checkObjectiveTypes.ts';
import { compileProbes, type DeclaredProbe } from './probeSpecs.ts';
import { Cleanup, ID_PATTERN, flattenSteps, type InputSpec, type RollbackSpec, type Workflow, type WorkflowNode } from './workflow.ts';
import type { JsonSchema } from './types.ts';

/**
 * The loader: YAML → envelope schema → each step's params schema → unknown types, ids,
 * `${{ }}` references. Every problem is collected and thrown at once as a
 * {@link WorkflowLoadError} whose issues carry `file:line:col`. Pure apart from reading files.
 */

let envelope: { validate: ValidateFunction; schema: JsonSchema } | undefined;

/**
 * The envelope schema (`schemas/envelope.schema.json`): what the loader validates before each
 * step's params. Editors use `schemas/workflow.schema.json`, generated from it (engine/editorSchema.ts).
 */
export function envelopeSchema(): JsonSchema {
  return envelopeValidator().schema;
}

function envelopeValidator(): { validate: ValidateFunction; schema: JsonSchema } {
  if (!envelope) {
    const schema = JSON.parse(readFileSync(new URL('../schemas/envelope.schema.json', import.meta.url), 'utf8')) as JsonSchema;
    envelope = { validate: createAjv().compile(schema), schema };
  }
  return envelope;
}

/** Reads and loads a workflow file. Throws {@link WorkflowLoadError}. */
export function loadWorkflowFile(file: string, registry: StepRegistry): Workflow {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new WorkflowLoadError([{ file, line: 1, col: 1, path: '', message: `cannot read workflow: ${reason}` }], { cause: error });
  }
  return parseWorkflow(decodeUtf8(bytes, file), file, registry);
}

/** Loads a workflow from its source text; `file` is used in messages and for `workflowDir`. */
export function parseWorkflow(source: string, file: string, registry: StepRegistry, blockStack: readonly string[] = []): Workflow {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: LoadIssue[] = [];
  const seen = new Set<string>();
  const add = (pointer: string, message: string, options: { key?: string; offsetInString?: number } = {}) => {
    const pos = locate(doc, lineCounter, pointer, options);
    const path = options.key !== undefined ? `${pointer}${toPointer([options.key])}` : pointer;
    const dedupe = `${path}\u0000${message}`;
    if (seen.has(dedupe)) return;
    seen.add(dedupe);
    issues.push({ file, line: pos.line, col: pos.col, path, message });
  };

  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      issues.push({ file, line: pos.line, col: pos.col, path: '', message: e.message.split('\n')[0]! });
    }
    throw new WorkflowLoadError(issues);
  }
  const raw: unknown = documentToJs(doc, lineCounter, file);
  const { validate } = envelopeValidator();
  if (!validate(raw)) for (const error of validate.errors ?? []) reportAjvError(error, '', add);
  if (!isObject(raw)) {
    if (issues.length === 0) add('', 'a workflow must be a mapping with name and steps');
    throw new WorkflowLoadError(sortIssues(issues));
  }

  const inputs = buildInputs(raw.inputs);
  const ids = new Map<string, string>();
  let blockCount = 0;
  const claimId = (id: string, pointer: string) => {
    const first = ids.get(id);
    if (first !== undefined) {
      const at = locate(doc, lineCounter, first);
      add(`${pointer}/id`, `duplicate id '${id}' (first used at line ${at.line})`);
    } else ids.set(id, pointer);
  };

  const buildNodes = (items: unknown, pointer: string): WorkflowNode[] => {
    if (!Array.isArray(items)) return [];
    const nodes: WorkflowNode[] = [];
    items.forEach((item, index) => {
      const at = `${pointer}/${index}`;
      if (!isObject(item)) return;
      if (isObject(item.parallel)) {
        blockCount++;
        const id = typeof item.id === 'string' ? item.id : uniqueBlockId(blockCount, ids);
        claimId(id, at); // generated ids too: a later step with the same id would replace the block's state
        const branches = Object.entries(item.parallel).map(([name, steps]) => ({
          name,
          steps: buildNodes(steps, `${at}/parallel${toPointer([name])}`),
        }));
        nodes.push({ kind: 'parallel', id, branches, pointer: at });
        return;
      }
      if (typeof item.uses === 'string' && typeof item.id === 'string') {
        const expanded = expandUse(item as unknown as UseItem, at, {
          dir: dirname(resolve(file)),
          stack: blockStack,
          add,
          addIssues: (found) => issues.push(...found),
          parse: (text, blockFile, stack) => parseWorkflow(text, blockFile, registry, stack),
        });
        const claimAll = (list: WorkflowNode[]): void => {
          for (const n of list) {
            claimId(n.id, at);
            if (n.kind === 'parallel') for (const b of n.branches) claimAll(b.steps);
          }
        };
        claimAll(expanded);
        nodes.push(...expanded);
        return;
      }
      const id = typeof item.id === 'string' ? item.id : `step-${index + 1}`;
      if (typeof item.id === 'string' && ID_PATTERN.test(item.id)) claimId(item.id, at);
      const type = typeof item.type === 'string' ? item.type : '';
      const params = isObject(item.params) ? item.params : {};
      if (type) checkType(type, params, `${at}/type`, `${at}/params`);
      const { policy, problems } = compileRetryPolicy(isObject(item.retry) ? (item.retry as RetryPolicyInput) : undefined);
      for (const p of problems) add(`${at}/retry/${p.field}`, p.message);
      let rollback: RollbackSpec = { kind: 'default' };
      if (item.rollback === false) rollback = { kind: 'none' };
      else if (isObject(item.rollback) && typeof item.rollback.type === 'string') {
        const rbParams = isObject(item.rollback.params) ? item.rollback.params : {};
        checkType(item.rollback.type, rbParams, `${at}/rollback/type`, `${at}/rollback/params`);
        rollback = { kind: 'override', type: item.rollback.type, params: rbParams };
      } else if (item.rollback === undefined || item.rollback === true) {
        const def = registry.get(type);
        if (def && !def.rollback) rollback = { kind: 'none' };
      }
      const unitless = unitlessDuration(item.timeout);
      if (unitless !== undefined)
        add(`${at}/timeout`, `timeout ${unitless} has no unit: write '${unitless}s' for seconds or '${unitless}ms' for milliseconds`);
      const timeoutMs = item.timeout === undefined || unitless !== undefined ? undefined : parseDuration(item.timeout);
      nodes.push({
        kind: 'step',
        id,
        type,
        ...(typeof item.description === 'string' ? { description: item.description } : {}),
        params,
        ...(typeof item.if === 'string' || typeof item.if === 'boolean' ? { if: item.if } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        retry: policy,
        rollback,
        pointer: at,
      });
    });
    return nodes;
  };

  const checkType = (type: string, params: Record<string, unknown>, typePointer: string, paramsPointer: string) => {
    if (!registry.get(type)) {
      const hint = registry.suggest(type);
      add(typePointer, `unknown step type '${type}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
      return;
    }
    for (const error of registry.validate(type, structuredClone(params))) {
      if (typeof error.data === 'string' && hasTemplate(error.data)) continue;
      reportAjvError(error, paramsPointer, add);
    }
  };

  const steps = buildNodes(raw.steps, '/steps');
  const outputs = isObject(raw.outputs) ? raw.outputs : {};
  checkReferences(steps, inputs, outputs, registry, (pointer, message, offset) =>
    add(pointer, message, offset === undefined ? {} : { offsetInString: offset }),
  );

  let objectives: ObjectiveSpec[] | undefined;
  if (isObject(raw.objectives)) {
    const compiled = compileObjectives(raw.objectives);
    for (const p of [...compiled.problems, ...checkObjectiveTypes(compiled.specs, raw.objectives, steps, inputs, registry)]) {
      add(p.pointer, p.message, p.offset === undefined ? {} : { offsetInString: p.offset });
    }
    objectives = compiled.specs;
  }

  let probes: DeclaredProbe[] | undefined;
  if (isObject(raw.probes)) {
    const compiled = compileProbes(raw.probes, new Set(flattenSteps(steps).map((s) => s.id)));
    for (const p of compiled.problems) add(p.pointer, p.message);
    probes = compiled.probes;
  }

  if (issues.length > 0) throw new WorkflowLoadError(sortIssues(issues));
  return {
    file,
    dir: dirname(resolve(file)),
    digest: createHash('sha256').update(source).digest('hex'),
    name: String(raw.name),
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    cleanup: (raw.cleanup as Cleanup | undefined) ?? Cleanup.ON_FAILURE,
    inputs,
    outputs,
    ...(objectives ? { objectives } : {}),
    ...(probes ? { probes } : {}),
    steps,
  };
}

type Add = (pointer: string, message: string, options?: { key?: string }) => void;

function reportAjvError(error: ErrorObject, prefix: string, add: Add): void {
  const pointer = prefix + error.instancePath;
  const params = error.params as Record<string, unknown>;
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      return;
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const props =
        isObject(error.parentSchema) && isObject(error.parentSchema.properties) ? Object.keys(error.parentSchema.properties) : [];
      const hint = closest(name, props);
      add(
        pointer,
        `unknown property '${name}'${hint ? ` (did you mean '${hint}'?)` : props.length ? ` (allowed: ${props.join(', ')})` : ''}`,
        { key: name },
      );
      return;
    }
    case 'required':
      add(pointer, `missing required property '${String(params.missingProperty)}'`);
      return;
    case 'enum':
      add(pointer, `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
      return;
    case 'pattern': {
      const isId = error.schemaPath.includes('/definitions/id');
      const value = propertyName ?? String(error.data);
      const message = isId
        ? `invalid id '${value}': must start with a letter and contain only letters, digits, '_' or '-' (no dots)`
        : error.schemaPath.includes('/definitions/duration')
          ? `invalid duration '${value}': use milliseconds or a number with ms, s, m or h`
          : `'${value}' ${error.message ?? 'is invalid'}`;
      if (propertyName !== undefined) add(pointer, message, { key: propertyName });
      else add(pointer, message);
      return;
    }
    default:
      add(pointer, error.message ?? `failed ${error.keyword}`);
  }
}

function buildInputs(raw: unknown): Record<string, InputSpec> {
  const inputs: Record<string, InputSpec> = {};
  if (!isObject(raw)) return inputs;
  for (const [name, spec] of Object.entries(raw)) {
    if (isObject(spec)) {
      const type = typeof spec.type === 'string' ? (spec.type as InputSpec['type']) : undefined;
      inputs[name] = {
        ...(type ? { type } : {}),
        ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
        ...('default' in spec ? { default: spec.default } : {}),
        required: !('default' in spec),
      };
    } else inputs[name] = { default: spec, required: spec === null };
  }
  return inputs;
}

function uniqueBlockId(n: number, ids: Map<string, string>): string {
  let id = `parallel-${n}`;
  while (ids.has(id)) id += '_';
  return id;
}

function sortIssues(issues: LoadIssue[]): LoadIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.col - b.col);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
