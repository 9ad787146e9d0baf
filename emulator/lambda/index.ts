import type { ServiceFactory } from '../types.ts';

// Placeholder until the service lands: registers nothing, so requests get the gateway's 404.
export const createLambda: ServiceFactory = () => ({});
