import { performance } from 'node:perf_hooks';
import { GetFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { startEmulator } from '../emulator/index.ts';
import { lambdaClient } from '../test/helpers/clients.ts';
import { createNodeFunction, waitUntilActive } from '../test/helpers/lambdaFunction.ts';
import { lambdaZip } from '../test/helpers/lambdaZip.ts';
import { sequentialLatency, type LatencySummary } from './latency.ts';

/**
 * Lambda Invoke latency through the embedded emulator: the cold start (new sandbox process,
 * handler loaded), then warm RequestResponse invocations one after another through the real SDK
 * client over a keep-alive socket, and the same through the internal LambdaApi (API Gateway's
 * path) to show what HTTP and the SDK add. The floor, measured in the same run, is GetFunction
 * through the same client: the HTTP and SDK cost without any sandbox. Bounded counts.
 */

const REGION = 'us-east-1';
const WARMUP = 20;
const COUNT = 500;

export interface LambdaBenchResult extends LatencySummary {
  path: string;
}

export async function run(): Promise<void> {
  const emu = await startEmulator({ timeScale: 100 });
  const lambda = lambdaClient(emu, REGION);
  try {
    const zip = lambdaZip('exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });');
    await createNodeFunction(lambda, { FunctionName: 'bench', Role: 'arn:aws:iam::000000000000:role/bench', Code: { ZipFile: zip } });
    await waitUntilActive(lambda, 'bench');
    const payload = JSON.stringify({ id: 'prod-1088' });
    const coldStart = performance.now();
    await lambda.send(new InvokeCommand({ FunctionName: 'bench', Payload: payload }));
    const coldMs = performance.now() - coldStart;

    const floor = await measure('floor: SDK GetFunction (HTTP, no sandbox)', async () => {
      await lambda.send(new GetFunctionCommand({ FunctionName: 'bench' }));
    });
    const sdk = await measure('SDK Invoke (warm, HTTP)', async () => {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'bench', Payload: payload }));
      if (out.FunctionError) throw new Error(`function error: ${Buffer.from(out.Payload ?? []).toString()}`);
    });
    const api = emu.api('lambda');
    const internal = await measure('LambdaApi.invoke (warm, internal)', async () => {
      const out = await api.invoke({ region: REGION, functionName: 'bench', payload });
      if (out.functionError) throw new Error('function error');
    });

    console.log(`lambda: cold start (first Invoke, new sandbox process) ${coldMs.toFixed(1)} ms`);
    for (const r of [floor, sdk, internal]) {
      console.log(
        `lambda: ${r.path}: n=${r.count} p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  max ${r.maxMs.toFixed(2)} ms`,
      );
    }
  } finally {
    lambda.destroy();
    await emu.stop();
  }
}

async function measure(path: string, call: () => Promise<void>): Promise<LambdaBenchResult> {
  return { path, ...(await sequentialLatency(call, WARMUP, COUNT)) };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
