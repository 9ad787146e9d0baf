/**
 * The step registry: one line per step type, sorted. To add a step type, write
 * `steps/<type>.ts` (a `defineStep` default export whose `type` is the file name) and add its
 * line here. Nothing else needs editing; `steps/all.ts` collects them.
 */
export { default as assert } from './assert.ts';
export { default as awaitDnsTarget } from './awaitDnsTarget.ts';
export { default as awaitHealthCheck } from './awaitHealthCheck.ts';
export { default as awaitItem } from './awaitItem.ts';
export { default as awsCall } from './awsCall.ts';
export { default as createHealthCheck } from './createHealthCheck.ts';
export { default as createZone } from './createZone.ts';
export { default as exec } from './exec.ts';
export { default as fail } from './fail.ts';
export { default as fetchProduct } from './fetchProduct.ts';
export { default as httpRequest } from './httpRequest.ts';
export { default as provisionRegion } from './provisionRegion.ts';
export { default as setOutputs } from './setOutputs.ts';
export { default as startExperiment } from './startExperiment.ts';
export { default as stopExperiment } from './stopExperiment.ts';
export { default as updateHealthCheck } from './updateHealthCheck.ts';
export { default as upsertFailoverRecords } from './upsertFailoverRecords.ts';
export { default as upsertRecords } from './upsertRecords.ts';
export { default as wait } from './wait.ts';
export { default as writeFile } from './writeFile.ts';
