import { ServiceError } from '../protocol/ServiceError.ts';
import { ACTIONS, type ParameterKind } from './actionCatalog.ts';
import { parseIsoDuration } from './isoDuration.ts';
import type { StopCondition, TemplateAction, TemplateTarget } from './model.ts';

/**
 * Turns a CreateExperimentTemplate / UpdateExperimentTemplate body into the stored shapes, or
 * throws ValidationException 400. Missing members use AWS's Coral wording ("1 validation error
 * detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null").
 * Lenient where LocalStack is (docs/fidelity/fis.md, "Lenient validation"): any non-empty roleArn
 * (the tutorial's `arn:aws:iam:000000000000:role/...` has one colon too few), no targets,
 * parameters as strings.
 */

export interface TemplateFields {
  description?: string;
  roleArn?: string;
  stopConditions?: StopCondition[];
  targets?: Record<string, TemplateTarget>;
  actions?: Record<string, TemplateAction>;
  logConfiguration?: Record<string, unknown>;
  experimentOptions?: Record<string, unknown>;
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', message, { status: 400 });
}

/** Parses the fields present; `required` lists those that must be there (create). */
export function parseTemplateFields(input: Record<string, unknown>, required: readonly (keyof TemplateFields)[]): TemplateFields {
  const missing: string[] = required.filter((k) => input[k] === undefined || input[k] === null);
  const fields: TemplateFields = {};
  if (input.targets != null) fields.targets = parseTargets(input.targets, missing);
  if (input.actions != null) fields.actions = parseActions(input.actions, missing);
  if (missing.length > 0) {
    const n = missing.length;
    const details = missing.map((m) => `Value null at '${m}' failed to satisfy constraint: Member must not be null`);
    throw validationError(`${n} validation error${n > 1 ? 's' : ''} detected: ${details.join('; ')}`);
  }
  if (input.description != null) {
    const description = String(input.description);
    if (description.length > 512) throw validationError('Description must be at most 512 characters.');
    fields.description = description;
  }
  if (input.roleArn != null) {
    if (typeof input.roleArn !== 'string' || input.roleArn.trim() === '') throw validationError('roleArn must be a non-empty string.');
    fields.roleArn = input.roleArn;
  }
  if (input.stopConditions != null) fields.stopConditions = parseStopConditions(input.stopConditions);
  if (input.logConfiguration != null) fields.logConfiguration = record(input.logConfiguration, 'logConfiguration');
  if (input.experimentOptions != null) fields.experimentOptions = record(input.experimentOptions, 'experimentOptions');
  return fields;
}

/** Checks actions against the catalog and the template's targets; call on the merged template. */
export function checkTemplate(actions: Record<string, TemplateAction>, targets: Record<string, TemplateTarget>): void {
  for (const [name, target] of Object.entries(targets)) {
    if (target.resourceArns?.length && target.resourceTags && Object.keys(target.resourceTags).length > 0) {
      throw validationError(`You cannot specify both resource ARNs and resource tags for target ${name}.`);
    }
    if (!/^(ALL|COUNT\(\d+\)|PERCENT\(\d{1,3}\))$/.test(target.selectionMode)) {
      throw validationError(`Invalid selection mode ${target.selectionMode} for target ${name}. Use ALL, COUNT(n) or PERCENT(n).`);
    }
  }
  for (const [name, action] of Object.entries(actions)) {
    const definition = ACTIONS.get(action.actionId);
    if (!definition) {
      const known = [...ACTIONS.keys()].join(', ');
      throw validationError(`Action type ${action.actionId} in action "${name}" is not supported. Supported action types: ${known}.`);
    }
    for (const [param, spec] of Object.entries(definition.parameters)) {
      const value = action.parameters?.[param];
      if (value === undefined) {
        if (spec.required) throw validationError(`Missing required parameter "${param}" in action "${name}".`);
        continue;
      }
      const problem = checkParameter(spec.kind, value);
      if (problem) throw validationError(`Invalid value "${value}" for parameter "${param}" in action "${name}": ${problem}.`);
    }
    for (const [key, targetName] of Object.entries(action.targets ?? {})) {
      const wanted = definition.targets[key];
      if (!wanted) throw validationError(`Unexpected target "${key}" found in action "${name}".`);
      const target = targets[targetName];
      if (!target) throw validationError(`Target "${targetName}" referenced in action "${name}" is not defined in the template.`);
      if (target.resourceType !== wanted.resourceType) {
        throw validationError(
          `Target "${targetName}" has resource type ${target.resourceType}, but action "${name}" requires ${wanted.resourceType}.`,
        );
      }
    }
    for (const key of Object.keys(definition.targets)) {
      if (!action.targets?.[key]) throw validationError(`Missing required target "${key}" in action "${name}".`);
    }
    for (const before of action.startAfter ?? []) {
      if (!actions[before]) throw validationError(`Action "${name}" has startAfter "${before}", which is not an action of this template.`);
    }
  }
  const cycle = findCycle(actions);
  if (cycle) throw validationError(`The startAfter references of action "${cycle}" form a cycle.`);
}

function checkParameter(kind: ParameterKind, value: string): string | undefined {
  const n = Number(value);
  switch (kind) {
    case 'string':
      return undefined;
    case 'percentage':
      return value.trim() !== '' && n >= 0 && n <= 100 ? undefined : 'must be a number from 0 to 100';
    case 'milliseconds':
      return /^\d+$/.test(value.trim()) ? undefined : 'must be a whole number of milliseconds';
    case 'httpStatus':
      return /^\d+$/.test(value.trim()) && n >= 100 && n <= 599 ? undefined : 'must be an HTTP status code';
    case 'boolean':
      return /^(true|false)$/i.test(value) ? undefined : 'must be true or false';
    case 'duration':
      return parseIsoDuration(value) !== undefined ? undefined : 'must be an ISO 8601 duration such as PT5M';
  }
}

function findCycle(actions: Record<string, TemplateAction>): string | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): string | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return name;
    state.set(name, 'visiting');
    for (const dep of actions[name]?.startAfter ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(actions)) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}

function parseActions(value: unknown, missing: string[]): Record<string, TemplateAction> {
  const out: Record<string, TemplateAction> = {};
  for (const [name, raw] of Object.entries(record(value, 'actions'))) {
    const a = record(raw, `actions.${name}`);
    if (a.actionId == null) {
      missing.push(`actions.${name}.member.actionId`);
      continue;
    }
    const action: TemplateAction = { actionId: String(a.actionId) };
    if (a.description != null) action.description = String(a.description);
    if (a.parameters != null) action.parameters = stringMap(a.parameters, `actions.${name}.parameters`);
    if (a.targets != null) action.targets = stringMap(a.targets, `actions.${name}.targets`);
    if (a.startAfter != null) action.startAfter = stringList(a.startAfter, `actions.${name}.startAfter`);
    out[name] = action;
  }
  return out;
}

function parseTargets(value: unknown, missing: string[]): Record<string, TemplateTarget> {
  const out: Record<string, TemplateTarget> = {};
  for (const [name, raw] of Object.entries(record(value, 'targets'))) {
    const t = record(raw, `targets.${name}`);
    if (t.resourceType == null) missing.push(`targets.${name}.member.resourceType`);
    if (t.selectionMode == null) missing.push(`targets.${name}.member.selectionMode`);
    if (t.resourceType == null || t.selectionMode == null) continue;
    const target: TemplateTarget = { resourceType: String(t.resourceType), selectionMode: String(t.selectionMode) };
    if (t.resourceArns != null) target.resourceArns = stringList(t.resourceArns, `targets.${name}.resourceArns`);
    if (t.resourceTags != null) target.resourceTags = stringMap(t.resourceTags, `targets.${name}.resourceTags`);
    if (t.parameters != null) target.parameters = stringMap(t.parameters, `targets.${name}.parameters`);
    if (t.filters != null) {
      if (!Array.isArray(t.filters)) throw validationError(`targets.${name}.filters must be a list.`);
      target.filters = t.filters.map((f, i) => {
        const filter = record(f, `targets.${name}.filters.${i}`);
        return { path: String(filter.path ?? ''), values: stringList(filter.values ?? [], `targets.${name}.filters.${i}.values`) };
      });
    }
    out[name] = target;
  }
  return out;
}

function parseStopConditions(value: unknown): StopCondition[] {
  if (!Array.isArray(value)) throw validationError('stopConditions must be a list.');
  return value.map((raw, i) => {
    const c = record(raw, `stopConditions.${i}`);
    if (c.source == null)
      throw validationError(
        `1 validation error detected: Value null at 'stopConditions.${i + 1}.member.source' failed to satisfy constraint: Member must not be null`,
      );
    const source = String(c.source);
    if (source !== 'none' && source !== 'aws:cloudwatch:alarm') {
      throw validationError(`Invalid stop condition source ${source}. Use none or aws:cloudwatch:alarm.`);
    }
    return c.value == null ? { source } : { source, value: String(c.value) };
  });
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw validationError(`${path} must be an object.`);
  return value as Record<string, unknown>;
}

function stringMap(value: unknown, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value, path))) {
    if (v === null || typeof v === 'object') throw validationError(`${path}.${k} must be a string.`);
    out[k] = String(v);
  }
  return out;
}

function stringList(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw validationError(`${path} must be a list of strings.`);
  return value.map((v) => String(v));
}
