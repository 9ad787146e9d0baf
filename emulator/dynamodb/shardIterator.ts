/**
 * Shard iterators are self-contained tokens, `<streamArn>|1|<base64url payload>` like AWS's
 * (`arn…/stream/<label>|1|AAAA…`): the payload holds the shard, the next sequence number to
 * read and when the iterator was issued, so the emulator keeps no iterator state and a poller
 * can hold any number of them.
 */
export interface ShardIteratorState {
  streamArn: string;
  shardId: string;
  /** Numeric value of the next sequence number to return. */
  position: bigint;
  /** Emulator-clock epoch ms. */
  issuedAt: number;
}

/** AWS: "A shard iterator expires 15 minutes after it is retrieved" (GetRecords API reference). */
export const SHARD_ITERATOR_TTL_MS = 15 * 60 * 1000;

export function encodeShardIterator(state: ShardIteratorState): string {
  const payload = Buffer.from(`${state.shardId}|${state.position}|${Math.floor(state.issuedAt)}`).toString('base64url');
  return `${state.streamArn}|1|${payload}`;
}

/** The iterator's state, or undefined when the token is not one the emulator issued. */
export function decodeShardIterator(token: string): ShardIteratorState | undefined {
  const parts = token.split('|');
  if (parts.length !== 3 || parts[1] !== '1') return undefined;
  const [streamArn, , payload] = parts as [string, string, string];
  const fields = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  if (fields.length !== 3) return undefined;
  const [shardId, position, issuedAt] = fields as [string, string, string];
  if (!/^shardId-[\w-]+$/.test(shardId) || !/^\d{1,40}$/.test(position) || !/^\d{1,16}$/.test(issuedAt)) return undefined;
  return { streamArn, shardId, position: BigInt(position), issuedAt: Number(issuedAt) };
}
