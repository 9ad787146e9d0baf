import { continentOf } from './countryContinents.ts';

/**
 * Who is asking, as far as Route 53's routing policies care: the emulator has one client, so
 * where it is comes from a setting, not from the query's source address (EDNS Client Subnet is
 * not read). Weighted and multivalue picks draw from a generator seeded with the emulator's
 * `--seed` (default 1), so a run with the same seed gets the same sequence of answers.
 */
export interface RoutingSettings {
  /** The Region latency-based routing measures from (nearest Region wins). Default us-east-1. */
  clientRegion: string;
  /** ISO 3166-1 alpha-2 country of the client for geolocation routing; undefined = unknown location. */
  clientCountry?: string;
  /** Subdivision (a US state, e.g. WA) of the client, meaningful with clientCountry US. */
  clientSubdivision?: string;
  /** Continent code; derived from clientCountry when not set. */
  clientContinent?: string;
  /** Seed of the weighted/multivalue generator. */
  seed: number;
}

export const DEFAULT_ROUTING: RoutingSettings = { clientRegion: 'us-east-1', seed: 1 };

/** The client's location with the continent filled in from the country. */
export interface ClientLocation {
  continent?: string;
  country?: string;
  subdivision?: string;
}

export function clientLocation(settings: RoutingSettings): ClientLocation {
  const country = settings.clientCountry?.toUpperCase();
  return {
    country,
    subdivision: settings.clientSubdivision?.toUpperCase(),
    continent: settings.clientContinent?.toUpperCase() ?? (country ? continentOf(country) : undefined),
  };
}

/** The `--emulate` keys that are routing settings (the others are modelled delays). */
export const ROUTING_KEYS = ['clientRegion', 'clientCountry', 'clientSubdivision', 'clientContinent'] as const;

/** Parses `key=value` emulator settings (`--emulate clientRegion=eu-central-1`); unknown keys throw. */
export function parseRoutingSetting(text: string): Partial<RoutingSettings> {
  const at = text.indexOf('=');
  const key = at > 0 ? text.slice(0, at) : '';
  const value = text.slice(at + 1);
  switch (key) {
    case 'clientRegion':
    case 'clientCountry':
    case 'clientSubdivision':
    case 'clientContinent':
      return { [key]: value };
    default:
      throw new Error(`--emulate: unknown routing setting '${text}' (known: ${ROUTING_KEYS.join(', ')})`);
  }
}
