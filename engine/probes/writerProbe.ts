import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { sendHttpRequest } from '../../steps/support/httpRequest.ts';
import { errorMessage } from '../errors.ts';
import { runAtFixedRate, type ProbeRuntime, type RunningProbe } from './fixedRate.ts';

/** The writer probe: a lost-write ledger. */
export interface WriterProbeConfig {
  name: string;
  /** The primary's write endpoint, e.g. `http://12345.execute-api.localhost.localstack.cloud:4566/dev/productApi`. */
  url: string;
  /** Region the writes go to (recorded with each acknowledgement). */
  region: string;
  /** One write every this many AWS ms. */
  intervalMs: number;
  /** Table the records land in, read back directly in other regions (default `Products`). */
  table?: string;
  /** Prefix of the records' ids (default `ledger-<name>`); the id is `<prefix>-<sequence>`. */
  idPrefix?: string;
}

/** A running writer probe; `readBack` may be called while it runs or after `stop()`. */
export interface WriterProbe extends RunningProbe {
  /** Sequence numbers the API acknowledged so far. */
  acknowledged(): number[];
  /**
   * Reads every acknowledged record from `region`'s table (a consistent GetItem each) and emits
   * one `write-readback` sample per record. Returns the sequence numbers not found.
   */
  readBack(region: string, signal?: AbortSignal): Promise<number[]>;
}

/**
 * Starts writing sequence-numbered records (1, 2, 3, ...) through the service's own API at a
 * fixed AWS-time rate, as add-product's clients do (POST of `{id, name, price, description}`),
 * and emits a `write-ack` sample for each: acknowledged when the API answered 2xx. Reading back
 * goes to DynamoDB directly, so a broken standby API cannot hide or fake a lost write.
 */
export function startWriterProbe(runtime: ProbeRuntime, config: WriterProbeConfig): WriterProbe {
  const { target, clock, emit } = runtime;
  const table = config.table ?? 'Products';
  const prefix = config.idPrefix ?? `ledger-${config.name}`;
  const acked: number[] = [];
  const id = (record: number) => `${prefix}-${record}`;
  const running = runAtFixedRate(config.name, clock, config.intervalMs, async (record, signal) => {
    const sent = clock.now();
    const body = JSON.stringify({
      id: id(record),
      name: `${config.name} ledger record ${record}`,
      price: String(record),
      description: `written at ${new Date(sent).toISOString()}`,
    });
    let status = 0;
    let error: string | undefined;
    try {
      const response = await sendHttpRequest(target, {
        url: config.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal,
      });
      status = response.status;
    } catch (cause) {
      if (signal.aborted) return;
      error = errorMessage(cause);
    }
    const acknowledged = status >= 200 && status < 300;
    if (acknowledged) acked.push(record);
    emit({
      kind: 'write-ack',
      aws: clock.now(),
      probe: config.name,
      record,
      region: config.region,
      acknowledged,
      status,
      ...(error ? { error } : {}),
    });
  });
  return {
    name: config.name,
    stop: () => running.stop(),
    acknowledged: () => [...acked].sort((a, b) => a - b),
    async readBack(region, signal) {
      const client = target.client(DynamoDBClient, region);
      const missing: number[] = [];
      for (const record of [...acked].sort((a, b) => a - b)) {
        const out = await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: id(record) } }, ConsistentRead: true }), {
          abortSignal: signal,
        });
        const found = out.Item !== undefined;
        if (!found) missing.push(record);
        emit({ kind: 'write-readback', aws: clock.now(), probe: config.name, record, region, found });
      }
      return missing;
    },
  };
}
