/**
 * Lazily created DynamoDB clients, one per region.
 *
 * Clients get only `{ region }`. Endpoint and credentials come from the
 * environment through the SDK's own resolution: AWS_ENDPOINT_URL (or
 * AWS_ENDPOINT_URL_DYNAMODB), which our emulator's runtime and LocalStack set,
 * and the usual credential chain. Nothing is hard-coded, so the same bundle
 * runs on the emulator, LocalStack and real AWS. (The Java originals pinned
 * `http://$LOCALSTACK_HOSTNAME:4566` and `test/test`.)
 *
 * The cache key includes the configured endpoint: inside a Lambda sandbox the
 * environment never changes, but an in-process test run points the same
 * module at several emulators in turn.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const clients = new Map<string, DynamoDBClient>();

export function dynamoClient(region: string | undefined): DynamoDBClient {
  // The SDK warns once per process, at the first client, that its versions published after
  // January 2027 need Node 22. The bundle pins today's SDK, so on Node 20 the warning is nine
  // lines of noise in every cold start's log (here and on AWS alike); a setting of the
  // function's own environment still wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL ?? '';
  const key = `${region ?? ''}|${endpoint}`;
  let client = clients.get(key);
  if (!client) {
    // region undefined → the SDK's default chain decides (and fails loudly if nothing is configured).
    client = new DynamoDBClient(region ? { region } : {});
    clients.set(key, client);
  }
  return client;
}
