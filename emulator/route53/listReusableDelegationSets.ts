import type { Operation } from '../types.ts';
import { MARKER_QUERY, markerPage } from './input.ts';

/**
 * ListReusableDelegationSets (`GET /2013-04-01/delegationset`). The emulator never has a
 * reusable delegation set (CreateReusableDelegationSet answers 501), so the list is always
 * empty; the response still carries every member the model requires (`DelegationSets`,
 * `Marker`, `IsTruncated`, `MaxItems`), and a marker naming no set is InvalidInput.
 */
export function listReusableDelegationSets(): Operation {
  return {
    name: 'ListReusableDelegationSets',
    http: { method: 'GET', path: '/2013-04-01/delegationset', query: MARKER_QUERY },
    handler(input: { Marker?: string; MaxItems?: string }) {
      const { marker, limit } = markerPage<never>([], () => '', input);
      return { DelegationSets: '', Marker: marker ?? '', IsTruncated: false, MaxItems: limit };
    },
  };
}
