import { randomInt } from 'node:crypto';
import { apiNotFound, resourceNotFound } from './errors.ts';
import type { RestApiRecord } from './model.ts';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random lowercase alphanumeric id, the shape AWS uses for API, resource and deployment ids. */
export function randomId(length: number): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/**
 * REST APIs per region, plus a global index id → region: the execute-api data plane finds an
 * API from its id alone (`<id>.execute-api...`), so ids are unique across regions even though
 * the control plane only shows a region its own APIs.
 */
export class ApiGatewayStore {
  private readonly byRegion = new Map<string, Map<string, RestApiRecord>>();
  private readonly regionOf = new Map<string, string>();

  list(region: string): RestApiRecord[] {
    return [...(this.byRegion.get(region)?.values() ?? [])];
  }

  /** The API in this region, or NotFoundException with AWS's message. */
  get(region: string, restApiId: string): RestApiRecord {
    const api = this.byRegion.get(region)?.get(restApiId);
    if (!api) throw apiNotFound(restApiId);
    return api;
  }

  /**
   * An API by id in any region. Host names are case-insensitive, so a `_custom_id_` with
   * capitals still answers to the lowercased host LocalStack's router also lowercases.
   */
  find(restApiId: string): RestApiRecord | undefined {
    let region = this.regionOf.get(restApiId);
    let id = restApiId;
    if (region === undefined) {
      const lower = restApiId.toLowerCase();
      for (const [known, r] of this.regionOf) {
        if (known.toLowerCase() === lower) {
          region = r;
          id = known;
          break;
        }
      }
    }
    return region === undefined ? undefined : this.byRegion.get(region)?.get(id);
  }

  /**
   * The API for an operation on one of its methods: AWS answers a missing API there with the
   * resource's message ("Invalid Resource identifier specified"), not the API's.
   */
  getForResource(region: string, restApiId: string): RestApiRecord {
    const api = this.byRegion.get(region)?.get(restApiId);
    if (!api) throw resourceNotFound();
    return api;
  }

  has(restApiId: string): boolean {
    return this.regionOf.has(restApiId);
  }

  /** A fresh random id not used in any region. */
  newApiId(): string {
    for (;;) {
      const id = randomId(10);
      if (!this.regionOf.has(id)) return id;
    }
  }

  add(api: RestApiRecord): void {
    let apis = this.byRegion.get(api.region);
    if (!apis) this.byRegion.set(api.region, (apis = new Map()));
    apis.set(api.id, api);
    this.regionOf.set(api.id, api.region);
  }

  delete(api: RestApiRecord): void {
    this.byRegion.get(api.region)?.delete(api.id);
    this.regionOf.delete(api.id);
  }

  reset(): void {
    this.byRegion.clear();
    this.regionOf.clear();
  }
}
