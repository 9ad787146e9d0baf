import { pathToFileURL } from 'node:url';
import { ListExperimentTemplatesCommand, type FisClient } from '@aws-sdk/client-fis';
import { startEmulator } from '../emulator/index.ts';
import { fisClient } from '../test/helpers/clients.ts';
import { percentile } from './latency.ts';

/**
 * Gateway throughput: a fixed number of FIS ListExperimentTemplates calls through the real
 * @aws-sdk/client-fis over loopback, with a fixed number in flight. The figure covers the
 * whole path a client sees: SigV4 signing, HTTP, routing, the fault check, the handler and
 * serialisation, in one process (client and emulator share the CPU).
 */
export async function run(options: { requests?: number; concurrency?: number; warmup?: number } = {}): Promise<void> {
  const requests = options.requests ?? 3_000;
  const concurrency = options.concurrency ?? 16;
  const warmup = options.warmup ?? 300;
  const emu = await startEmulator();
  const client = fisClient(emu);
  try {
    await drive(client, warmup, concurrency);
    const started = performance.now();
    const latencies = await drive(client, requests, concurrency);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => percentile(latencies, p / 100).toFixed(2);
    console.log(
      `gateway: ${Math.round(requests / seconds)} req/s — ${requests} FIS ListExperimentTemplates via @aws-sdk/client-fis, ` +
        `${concurrency} in flight, loopback (p50 ${pct(50)} ms, p99 ${pct(99)} ms)`,
    );
  } finally {
    client.destroy();
    await emu.stop();
  }
}

async function drive(client: FisClient, count: number, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      issued++;
      const t0 = performance.now();
      await client.send(new ListExperimentTemplatesCommand({}));
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
