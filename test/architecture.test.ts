import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from '@babel/parser';

/**
 * The dependency rules, checked on every import line: the emulator stands alone; steps reach
 * the engine only through its public surface; load and compile stay pure. And the size rules:
 * files stay under ~400 lines, functions under 80 (outside operation tables).
 */
const test = suite('architecture');
const ROOT = new URL('..', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return files(path);
    return /\.(ts|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

/** Import specifiers of a file, resolved to repository paths where relative. */
function imports(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [
    ...source.matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!);
  return specifiers.map((s) => (s.startsWith('.') ? relative(ROOT, join(ROOT, file, '..', s)) : s));
}

test('emulator/ never imports engine/ or steps/', () => {
  for (const file of files('emulator')) {
    for (const target of imports(file)) {
      assert.not.ok(/^(engine|steps)\//.test(target), `${file} imports ${target}`);
    }
  }
});

test("steps/ import only the engine's public surface (with the expression grammar), each other's support code, the drill's lambdas, SDK clients, TypeBox and the DNS wire codec", () => {
  const publicEngine = new Set(['engine/types.ts', 'engine/errors.ts', 'engine/duration.ts']);
  for (const file of files('steps')) {
    for (const target of imports(file)) {
      if (
        target.startsWith('node:') ||
        target.startsWith('@aws-sdk/') ||
        target.startsWith('steps/') ||
        target === '@sinclair/typebox' ||
        target === 'dns-packet'
      )
        continue;
      if (publicEngine.has(target) || target.startsWith('lambdas/') || target.startsWith('engine/expression/')) continue;
      assert.unreachable(`${file} imports ${target}`);
    }
  }
});

test('emulator/dns/ does not import emulator/route53/ (Route 53 hands the DNS server an answer function)', () => {
  for (const file of files('emulator/dns')) {
    for (const target of imports(file)) assert.not.ok(target.startsWith('emulator/route53/'), `${file} imports ${target}`);
  }
});

test('engine/load.ts and engine/compile.ts are pure (load may read the workflow file)', () => {
  const effects = /^(node:(child_process|net|http|https|dgram|dns)|emulator\/|steps\/)/;
  for (const file of ['engine/load.ts', 'engine/compile.ts']) {
    for (const target of imports(file)) assert.not.ok(effects.test(target), `${file} imports ${target}`);
  }
  assert.not.ok(
    imports('engine/compile.ts').some((t) => t.startsWith('node:fs')),
    'compile does no I/O',
  );
});

test('no source file passes ~400 lines', () => {
  for (const dir of ['engine', 'steps', 'emulator', 'lambdas']) {
    for (const file of files(dir)) {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n').length;
      assert.ok(lines <= 420, `${file} has ${lines} lines: split it`);
    }
  }
});

/**
 * Functions allowed past 80 lines, by `file name` (a method in an operation table is known as
 * `handler`). Empty: every function is short; keep it that way rather than listing a new one.
 */
const KNOWN_LONG_FUNCTIONS = new Set<string>([]);

/** A node of Babel's syntax tree, as far as these checks read it. */
interface SyntaxNode {
  type: string;
  start: number;
  end: number;
  loc: { start: { line: number }; end: { line: number } };
  [field: string]: unknown;
}

/** Function-like nodes with a body of their own (declarations without one, `declare function`, are not). */
const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ObjectMethod',
  'ClassMethod',
  'ClassPrivateMethod',
]);

function isNode(value: unknown): value is SyntaxNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Every node of the tree under `node`, each with its parent, in source order. */
function walk(node: SyntaxNode, visit: (node: SyntaxNode, parent: SyntaxNode | undefined) => void, parent?: SyntaxNode): void {
  visit(node, parent);
  for (const [field, value] of Object.entries(node)) {
    if (field === 'loc' || field.endsWith('Comments')) continue;
    for (const child of Array.isArray(value) ? value : [value]) if (isNode(child)) walk(child, visit, node);
  }
}

function parseSource(text: string): SyntaxNode {
  return parse(text, { sourceType: 'module', plugins: ['typescript'] }).program as unknown as SyntaxNode;
}

function lineSpan(node: SyntaxNode): number {
  return node.loc.end.line - node.loc.start.line + 1;
}

/** The name a function is known by: its own, its variable's or its property's. */
function functionName(node: SyntaxNode, parent: SyntaxNode | undefined, text: string): string {
  const own = (node['key'] ?? node['id']) as SyntaxNode | null | undefined;
  if (own) return text.slice(own.start, own.end);
  const named =
    parent && (parent.type === 'VariableDeclarator' ? parent['id'] : parent.type === 'ObjectProperty' ? parent['key'] : undefined);
  return isNode(named) ? text.slice(named.start, named.end) : '<anonymous>';
}

/** An operation table: the function mostly returns one array or object literal (its entries are checked on their own). */
function isTable(node: SyntaxNode, lines: number): boolean {
  const body = node['body'];
  if (!isNode(body) || body.type !== 'BlockStatement') return false;
  const last = (body['body'] as SyntaxNode[]).at(-1);
  const literal = last?.type === 'ReturnStatement' ? last['argument'] : undefined;
  if (!isNode(literal) || (literal.type !== 'ArrayExpression' && literal.type !== 'ObjectExpression')) return false;
  return lineSpan(literal) >= lines * 0.75;
}

/** Every function of a file longer than `max` lines, as `file name (N lines)`, tables excepted. */
function longFunctions(file: string, max: number, text = readFileSync(join(ROOT, file), 'utf8')): Array<{ key: string; lines: number }> {
  const found: Array<{ key: string; lines: number }> = [];
  walk(parseSource(text), (node, parent) => {
    if (!FUNCTION_TYPES.has(node.type)) return;
    const lines = lineSpan(node);
    if (lines > max && !isTable(node, lines)) found.push({ key: `${file} ${functionName(node, parent, text)}`, lines });
  });
  return found;
}

test('no function passes 80 lines (operation tables aside; known offenders listed)', () => {
  const offenders = ['engine', 'steps', 'emulator'].flatMap((dir) =>
    files(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => longFunctions(f, 80)),
  );
  const unknown = offenders.filter((o) => !KNOWN_LONG_FUNCTIONS.has(o.key));
  assert.equal(
    unknown.map((o) => `${o.key} (${o.lines} lines)`),
    [],
    'split these functions',
  );
  const fixed = [...KNOWN_LONG_FUNCTIONS].filter((k) => !offenders.some((o) => o.key === k));
  assert.equal(fixed, [], 'these are short now: remove them from KNOWN_LONG_FUNCTIONS');
  if (offenders.length) console.log(`  known long functions: ${offenders.map((o) => `${o.key} (${o.lines})`).join(', ')}`);
});

test('the function-length check sees a long function and passes a table', () => {
  const body = Array.from({ length: 85 }, (_, i) => `  const x${i} = ${i};`).join('\n');
  const table = Array.from({ length: 85 }, (_, i) => `    { name: 'op${i}' },`).join('\n');
  const first = (text: string) => (parseSource(text)['body'] as SyntaxNode[])[0]!;
  assert.not.ok(isTable(first(`function long() {\n${body}\n}\n`), 87));
  assert.ok(isTable(first(`function ops() {\n  return [\n${table}\n  ];\n}\n`), 89));
  const long = `class A {\n  private run(): void {\n${body}\n  }\n}\nconst f = (): void => {\n${body}\n};\n`;
  assert.equal(
    longFunctions('probe.ts', 80, long).map((f) => `${f.key} ${f.lines}`),
    ['probe.ts run 87', 'probe.ts f 87'],
  );
});

test.run();
