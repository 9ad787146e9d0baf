import { mkdir, rm, writeFile as write } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { Default, defineStep } from './define.ts';

/**
 * Writes a file (relative paths are relative to the workflow's folder); its rollback deletes
 * it. An observable side effect for compensation tests, including after `kill -9`.
 */
export default defineStep({
  type: 'writeFile',
  description: 'Write a file (path relative to the workflow file); rollback deletes it.',
  needsTarget: false,
  effects: (p) => [
    { action: 'create', resource: `local file ${p.path}`, detail: `${Buffer.byteLength(p.content)} bytes (rollback deletes it)` },
  ],
  params: Type.Object(
    {
      path: Type.String({ minLength: 1, description: 'File to write; relative to the workflow file.' }),
      content: Default(Type.String({ description: 'Text to write.' }), ''),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({
    path: Type.String({ description: 'Absolute path written.' }),
    bytes: Type.Integer({ description: 'Bytes written.' }),
  }),
  run: async (params, ctx) => {
    const path = resolve(ctx.workflowDir, params.path);
    await mkdir(dirname(path), { recursive: true });
    await write(path, params.content, { signal: ctx.signal });
    return { path, bytes: Buffer.byteLength(params.content) };
  },
  rollback: async (params, ctx) => {
    await rm(resolve(ctx.workflowDir, params.path), { force: true });
  },
});
