import type { AnyStepDefinition } from '../engine/types.ts';
import awaitDnsTarget from './awaitDnsTarget.ts';
import awaitItem from './awaitItem.ts';
import createHealthCheck from './createHealthCheck.ts';
import createZone from './createZone.ts';
import fetchProduct from './fetchProduct.ts';
import httpRequest from './httpRequest.ts';
import provisionRegion from './provisionRegion.ts';
import startExperiment from './startExperiment.ts';
import stopExperiment from './stopExperiment.ts';
import updateHealthCheck from './updateHealthCheck.ts';
import upsertFailoverRecords from './upsertFailoverRecords.ts';
import fail from './fail.ts';
import wait from './wait.ts';
import writeFile from './writeFile.ts';

/**
 * The step registry: every step type the engine knows. To add a step type, write
 * `steps/<type>.ts` (default export from `defineStep`) and add one import line above and one
 * entry below. Nothing else needs editing.
 */
export const steps: AnyStepDefinition[] = [
  awaitDnsTarget,
  awaitItem,
  createHealthCheck,
  createZone,
  fetchProduct,
  httpRequest,
  provisionRegion,
  startExperiment,
  stopExperiment,
  updateHealthCheck,
  upsertFailoverRecords,
  fail,
  wait,
  writeFile,
];
