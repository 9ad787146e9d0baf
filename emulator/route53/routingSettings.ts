import { continentOf } from './countryContinents.ts';

/**
 * Who is asking, as far as Route 53's routing policies care: the emulator has one client, so
 * where it is comes from a setting, not from the query's source address (EDNS Client Subnet is
 * not read). Weighted and multivalue picks draw from a seeded generator, so a run with the
 * same seed gets the same sequence of answers.
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

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
    case 'seed': {
      const seed = Number(value);
      if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got '${value}'`);
      return { seed };
    }
    default:
      throw new Error(`unknown emulator setting '${text}': use clientRegion=, clientCountry=, clientSubdivision=, clientContinent= or seed=`);
  }
}
