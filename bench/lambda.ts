import { performance } from 'node:perf_hooks';
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { startEmulator } from '../emulator/index.ts';
import type { LambdaApi } from '../emulator/lambda/api.ts';

/**
 * Lambda Invoke latency through the embedded emulator: the cold start (new worker thread, handler
 * loaded), then warm RequestResponse invocations one after another through the real SDK client
 * over a keep-alive socket, and the same through the internal LambdaApi (API Gateway's path)
 * to show what HTTP and the SDK add. Bounded counts.
 */

const REGION = 'us-east-1';
const WARMUP = 20;
const COUNT = 500;

export interface LambdaBenchResult {
  path: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function run(): Promise<void> {
  const emu = await startEmulator({ timeScale: 100 });
  const lambda = new LambdaClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  try {
    const zip = zipSync({ 'index.js': strToU8('exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });') });
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'bench',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: 'arn:aws:iam::000000000000:role/bench',
        Code: { ZipFile: zip },
      }),
    );
    while ((await lambda.send(new GetFunctionCommand({ FunctionName: 'bench' }))).Configuration?.State !== 'Active') {
      await new Promise((r) => setTimeout(r, 2));
    }
    const payload = JSON.stringify({ id: 'prod-1088' });
    const coldStart = performance.now();
    await lambda.send(new InvokeCommand({ FunctionName: 'bench', Payload: payload }));
    const coldMs = performance.now() - coldStart;

    const sdk = await measure('SDK Invoke (warm, HTTP)', async () => {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'bench', Payload: payload }));
      if (out.FunctionError) throw new Error(`function error: ${Buffer.from(out.Payload ?? []).toString()}`);
    });
    const api = emu.api<LambdaApi>('lambda');
    const internal = await measure('LambdaApi.invoke (warm, internal)', async () => {
      const out = await api.invoke({ region: REGION, functionName: 'bench', payload });
      if (out.functionError) throw new Error('function error');
    });

    console.log(`lambda: cold start (first Invoke, new worker) ${coldMs.toFixed(1)} ms`);
    for (const r of [sdk, internal]) {
      console.log(`lambda: ${r.path}: n=${r.count} p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  max ${r.maxMs.toFixed(2)} ms`);
    }
  } finally {
    lambda.destroy();
    await emu.stop();
  }
}

async function measure(path: string, call: () => Promise<void>): Promise<LambdaBenchResult> {
  for (let i = 0; i < WARMUP; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { path, count: COUNT, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: samples[samples.length - 1]! };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
