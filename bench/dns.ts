import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { createSocket } from 'node:dgram';
import { pathToFileURL } from 'node:url';
import dns2 from 'dns2';
import { startEmulator } from '../emulator/index.ts';
import { route53Client } from '../test/helpers/clients.ts';
import { percentile } from './latency.ts';

/**
 * DNS queries per second over UDP on loopback: a bounded number of queries kept at a fixed
 * concurrency from one socket, against a failover record (so each answer runs the routing
 * rules) and a plain record, alternately. Prints throughput and latency percentiles.
 */
const QUERIES = 20_000;
const CONCURRENCY = 64;
const TIMEOUT_MS = 2_000;

export async function run(): Promise<void> {
  const emu = await startEmulator();
  const r53 = route53Client(emu);
  try {
    const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'bench.test', CallerReference: 'bench' }));
    const a = (Name: string, Value: string, extra: object = {}) => ({
      Action: 'CREATE' as const,
      ResourceRecordSet: { Name, Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value }], ...extra },
    });
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.HostedZone!.Id,
        ChangeBatch: {
          Changes: [
            a('www.bench.test', '10.0.0.1'),
            a('api.bench.test', '10.0.0.2', { SetIdentifier: 'p', Failover: 'PRIMARY' }),
            a('api.bench.test', '10.0.0.3', { SetIdentifier: 's', Failover: 'SECONDARY' }),
          ],
        },
      }),
    );
    const result = await blast(emu.dns.port, ['www.bench.test', 'api.bench.test']);
    const sorted = result.latencies.sort((x, y) => x - y);
    const pct = (p: number) => percentile(sorted, p / 100).toFixed(2);
    console.log(
      `dns: ${result.answered}/${QUERIES} UDP queries at concurrency ${CONCURRENCY} in ${result.ms.toFixed(0)} ms → ` +
        `${Math.round((result.answered / result.ms) * 1000)} queries/s (p50 ${pct(50)} ms, p99 ${pct(99)} ms${result.lost ? `, ${result.lost} lost` : ''})`,
    );
  } finally {
    r53.destroy();
    await emu.stop();
  }
}

async function blast(port: number, names: string[]): Promise<{ answered: number; lost: number; ms: number; latencies: number[] }> {
  const socket = createSocket('udp4');
  const templates = names.map((name) => {
    const packet = new dns2.Packet();
    packet.header.rd = 1;
    packet.questions.push({ name, type: dns2.Packet.TYPE.A, class: dns2.Packet.CLASS.IN } as dns2.Packet.Question);
    return packet.toBuffer();
  });
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let sent = 0;
  let answered = 0;
  const started = performance.now();
  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(watchdog);
      socket.close();
      resolve({ answered, lost: sent - answered, ms: performance.now() - started, latencies });
    };
    const send = () => {
      if (sent >= QUERIES) {
        if (sentAt.size === 0) finish();
        return;
      }
      const id = sent % 65536;
      const message = Buffer.from(templates[sent % templates.length]!);
      message.writeUInt16BE(id, 0);
      sentAt.set(id, performance.now());
      sent++;
      socket.send(message, port, '127.0.0.1');
    };
    // Lost datagrams are given up after TIMEOUT_MS so the run always ends.
    const watchdog = setInterval(() => {
      const now = performance.now();
      for (const [id, at] of sentAt) {
        if (now - at > TIMEOUT_MS) {
          sentAt.delete(id);
          send();
        }
      }
    }, 250);
    socket.on('message', (reply) => {
      const id = reply.readUInt16BE(0);
      const at = sentAt.get(id);
      if (at === undefined) return;
      sentAt.delete(id);
      latencies.push(performance.now() - at);
      answered++;
      send();
    });
    socket.bind(0, '127.0.0.1', () => {
      for (let i = 0; i < CONCURRENCY; i++) send();
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
