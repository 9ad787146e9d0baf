import { ServiceError } from '../protocol/ServiceError.ts';
import type { Operation } from '../types.ts';
import { str } from './input.ts';
import { hostedZoneXml } from './render.ts';
import type { Route53Store } from './store.ts';
import { getZone } from './zoneOperations.ts';

/** Longest zone comment the model allows. */
const MAX_COMMENT = 256;

/**
 * UpdateHostedZoneComment (`POST /2013-04-01/hostedzone/{Id}`): sets the zone's comment, or
 * deletes it when the request has no `Comment` (UpdateHostedZoneComment API reference).
 */
export function updateHostedZoneComment(store: Route53Store): Operation {
  return {
    name: 'UpdateHostedZoneComment',
    http: { method: 'POST', path: '/2013-04-01/hostedzone/{Id}' },
    handler(input) {
      const zone = getZone(store, input['Id']);
      const comment = str(input['Comment']);
      if (comment !== undefined && comment.length > MAX_COMMENT) {
        throw new ServiceError(
          'InvalidInput',
          `1 validation error detected: Value '${comment}' at 'comment' failed to satisfy constraint: Member must have length less than or equal to ${MAX_COMMENT}`,
        );
      }
      zone.comment = comment === '' ? undefined : comment;
      return { HostedZone: hostedZoneXml(zone) };
    },
  };
}
