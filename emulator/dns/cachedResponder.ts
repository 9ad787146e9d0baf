import type { Reply } from './respond.ts';
import type { Responder } from './server.ts';

/**
 * Replies remembered per query, for as long as the state they were computed from holds. A
 * reply is kept only when computing it drew nothing from the weighted generator (a weighted or
 * multivalue answer is drawn afresh every time, as Route 53 does); everything else in an
 * answer is a function of the query's bytes after its ID, the transport and the state. A hit
 * gives the stored reply with the query's ID: the bytes `respond` would have produced.
 */
export interface AnswerState {
  /** Brings the state up to date (the worker's replica pulls pending changes). */
  catchUp(): void;
  /** Changes whenever the state does. */
  readonly version: number;
  /** Counts the generator's draws. */
  readonly draws: number;
}

/** Queries longer than this are answered without the cache (a long key, a rare query). */
const MAX_KEY_BYTES = 512;
/** Entries kept before the cache starts over (a client asking for endless distinct names). */
const MAX_ENTRIES = 10_000;

export function cachedResponder(respond: Responder, state: AnswerState): Responder {
  const replies = new Map<string, Buffer>();
  let version = -1;
  return (message: Buffer, transport: 'udp' | 'tcp'): Reply => {
    state.catchUp();
    if (state.version !== version) {
      replies.clear();
      version = state.version;
    }
    const key = message.length >= 12 && message.length <= MAX_KEY_BYTES ? transport + message.toString('latin1', 2) : undefined;
    const hit = key === undefined ? undefined : replies.get(key);
    if (hit) {
      const response = Buffer.allocUnsafe(hit.length);
      hit.copy(response);
      response[0] = message[0]!;
      response[1] = message[1]!;
      return { response };
    }
    const draws = state.draws;
    const reply = respond(message, transport);
    if (key !== undefined && 'response' in reply && state.draws === draws) {
      if (replies.size >= MAX_ENTRIES) replies.clear();
      replies.set(key, Buffer.from(reply.response));
    }
    return reply;
  };
}
