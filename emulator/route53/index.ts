import { lookupAddress, resolve } from './resolve.ts';
import { seededRandom } from '../clock/seededRandom.ts';
import { DEFAULT_ROUTING, clientLocation, type RoutingSettings } from './routingSettings.ts';
import type { Operation } from '../operation.ts';
import type { ServiceFactory } from '../types.ts';
import { ReplicaFeed } from './ReplicaFeed.ts';
import type { Route53Api } from './api.ts';
import { healthCheckOperations } from './healthCheckOperations.ts';
import { HealthChecker } from './healthChecker.ts';
import { listReusableDelegationSets } from './listReusableDelegationSets.ts';
import { recordOperations } from './recordOperations.ts';
import { notImplementedOperations } from '../notImplementedOperations.ts';
import { Route53Store } from './store.ts';
import { UNIMPLEMENTED_OPERATIONS } from './unimplementedOperations.ts';
import { updateHostedZoneComment } from './updateHostedZoneComment.ts';
import { zoneOperations } from './zoneOperations.ts';

/**
 * Route 53 (restXml, global): hosted zones, record sets with atomic change batches, health
 * checks that really probe their endpoints, GetChange. The DNS server answers from this
 * store through `api.resolve`. Route 53 ignores the signing region (docs/fidelity/route53.md,
 * "Signing region and ids").
 */
export const createRoute53: ServiceFactory<Route53Api> = (runtime) => {
  const store = new Route53Store();
  const healthy = (id: string) => checker.isHealthy(id);
  const checker: HealthChecker = new HealthChecker(
    runtime,
    store,
    (name) => lookupAddress(store, healthy, name),
    () => feed.sync(),
  );
  let routing: RoutingSettings = { ...DEFAULT_ROUTING };
  let random = seededRandom(routing.seed);
  const feed = new ReplicaFeed(store, healthy, routing);
  const api: Route53Api = {
    resolve: (name, type) =>
      resolve(store, healthy, name, type, { random, region: routing.clientRegion, location: clientLocation(routing) }),
    lookupAddress: (name) => lookupAddress(store, healthy, name),
    healthChecks: {
      settled: () => checker.settled(),
      status: (id) => checker.status(id),
      describe: (id) => checker.describe(id),
    },
    routing: {
      configure(settings) {
        routing = { ...routing, ...settings };
        random = seededRandom(routing.seed);
        feed.routing(routing);
      },
      settings: () => ({ ...routing }),
    },
    replica: {
      attach: (end) => feed.attach(end),
      detach: () => feed.detach(),
    },
  };
  // Every operation's effect reaches the DNS worker before its response is written.
  const synced = (op: Operation): Operation => ({
    ...op,
    handler: async (input, ctx) => {
      try {
        return await op.handler(input, ctx);
      } finally {
        feed.sync();
      }
    },
  });
  return {
    descriptor: {
      name: 'route53',
      signingNames: ['route53'],
      protocol: { name: 'restXml', xmlNamespace: 'https://route53.amazonaws.com/doc/2013-04-01/' },
      pathPrefixes: ['/2013-04-01/'],
      regional: false,
      operations: [
        ...zoneOperations(store, runtime),
        updateHostedZoneComment(store),
        listReusableDelegationSets(),
        ...recordOperations(store, runtime, api.resolve),
        ...healthCheckOperations(store, checker),
        ...notImplementedOperations('route53', UNIMPLEMENTED_OPERATIONS),
      ].map(synced),
    },
    api,
    reset() {
      checker.stopAll();
      store.clear();
      random = seededRandom(routing.seed); // settings are the emulator's, kept; the sequence restarts
      feed.sync();
      feed.routing(routing);
    },
    stop() {
      checker.stopAll();
      feed.detach();
    },
  };
};
