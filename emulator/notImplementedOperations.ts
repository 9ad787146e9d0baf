import { notImplemented } from './protocol/ServiceError.ts';
import type { Operation } from './operation.ts';

/** An operation of a service's API model that the emulator does not implement: its name, HTTP method and path template. */
export type UnimplementedOperation = readonly [name: string, method: string, path: string];

/**
 * Routes for a rest service's unimplemented operations, so that a request for one of them
 * answers 501 naming the operation (instead of a 501 naming only a path, or a 405 when another
 * operation shares the path). The tables come from the service's API model (the SDK client's
 * schema): method and path template exactly as there.
 */
export function notImplementedOperations(service: string, table: readonly UnimplementedOperation[]): Operation[] {
  return table.map(([name, method, path]) => ({
    name,
    http: { method, path },
    handler: () => {
      throw notImplemented(service, name);
    },
  }));
}
