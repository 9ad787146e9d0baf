import { mkdir, rm, writeFile as write } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { defineStep } from './define.ts';

interface WriteFileParams {
  path: string;
  content?: string;
}

/**
 * Writes a file (relative paths are relative to the workflow's folder); its rollback deletes
 * it. An observable side effect for compensation tests, including after `kill -9`.
 */
export default defineStep<WriteFileParams, { path: string; bytes: number }>({
  type: 'writeFile',
  description: 'Write a file (path relative to the workflow file); rollback deletes it.',
  needsTarget: false,
  params: {
    type: 'object',
    required: ['path'],
    additionalProperties: false,
    properties: {
      path: { type: 'string', minLength: 1, description: 'File to write; relative to the workflow file.' },
      content: { type: 'string', default: '', description: 'Text to write.' },
    },
  },
  outputs: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Absolute path written.' },
      bytes: { type: 'integer', description: 'Bytes written.' },
    },
  },
  run: async (params, ctx) => {
    const path = resolve(ctx.workflowDir, params.path);
    const content = params.content ?? '';
    await mkdir(dirname(path), { recursive: true });
    await write(path, content, { signal: ctx.signal });
    return { path, bytes: Buffer.byteLength(content) };
  },
  rollback: async (params, ctx) => {
    await rm(resolve(ctx.workflowDir, params.path), { force: true });
  },
});
