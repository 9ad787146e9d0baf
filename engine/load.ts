import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ValidateFunction } from 'ajv';
import { WorkflowLoadError, type LoadIssue } from './errors.ts';
import type { StepRegistry } from './registry.ts';
import { compileValidator } from './compileValidator.ts';
import { locate, toPointer } from './locate.ts';
import { decodeUtf8, documentToJs } from './yamlSource.ts';
import { checkReferences } from './checkReferences.ts';
import { isObject } from './isObject.ts';
import { reportAjvError } from './reportAjvError.ts';
import { buildWorkflowNodes } from './workflowNodes.ts';
import { compileObjectives, type ObjectiveSpec } from './objectiveSpecs.ts';
import { checkObjectiveTypes } from './expression/checkObjectiveTypes.ts';
import { compileProbes, type DeclaredProbe } from './probeSpecs.ts';
import { Cleanup, flattenSteps, type InputSpec, type Workflow, type WorkflowNode } from './workflow.ts';
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
    envelope = { validate: compileValidator(schema), schema };
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
  const steps = buildWorkflowNodes(raw.steps, {
    registry,
    dir: dirname(resolve(file)),
    stack: blockStack,
    add,
    addIssues: (found) => issues.push(...found),
    parse: (text, blockFile, stack) => parseWorkflow(text, blockFile, registry, stack),
    lineOf: (pointer) => locate(doc, lineCounter, pointer).line,
  });
  const outputs = isObject(raw.outputs) ? raw.outputs : {};
  checkReferences(steps, inputs, outputs, registry, (pointer, message, offset) =>
    add(pointer, message, offset === undefined ? {} : { offsetInString: offset }),
  );

  const { objectives, probes } = compileDeclarations(raw, steps, inputs, registry, (pointer, message, offset) =>
    add(pointer, message, offset === undefined ? {} : { offsetInString: offset }),
  );

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

/** The objectives and client probes a workflow declares, compiled; their problems go to `add` (offset inside the string). */
function compileDeclarations(
  raw: Record<string, unknown>,
  steps: WorkflowNode[],
  inputs: Record<string, InputSpec>,
  registry: StepRegistry,
  add: (pointer: string, message: string, offset?: number) => void,
): { objectives?: ObjectiveSpec[]; probes?: DeclaredProbe[] } {
  let objectives: ObjectiveSpec[] | undefined;
  if (isObject(raw.objectives)) {
    const compiled = compileObjectives(raw.objectives);
    for (const p of [...compiled.problems, ...checkObjectiveTypes(compiled.specs, raw.objectives, steps, inputs, registry)]) {
      add(p.pointer, p.message, p.offset);
    }
    objectives = compiled.specs;
  }

  let probes: DeclaredProbe[] | undefined;
  if (isObject(raw.probes)) {
    const compiled = compileProbes(raw.probes, new Set(flattenSteps(steps).map((s) => s.id)));
    for (const p of compiled.problems) add(p.pointer, p.message);
    probes = compiled.probes;
  }
  return { ...(objectives ? { objectives } : {}), ...(probes ? { probes } : {}) };
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

function sortIssues(issues: LoadIssue[]): LoadIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.col - b.col);
}
