import { randomUUID } from 'node:crypto';
import { ServiceError } from '../protocol/ServiceError.ts';
import { type Static, Type } from '@sinclair/typebox';
import { ACCOUNT_ID, type Operation, type RequestContext } from '../types.ts';
import type { LambdaApi } from './api.ts';
import { functionArn, parseFunctionName, parseStreamArn } from './functionArn.ts';
import { MAPPING_TRANSITION_MS, type LambdaBackend } from './LambdaBackend.ts';
import type { MappingRecord } from './LambdaStore.ts';
import { HandlerChecked, Maybe, typedHandler } from './lambdaInput.ts';
import { resolveQualifier } from './qualifiers.ts';
import { StreamPoller } from './StreamPoller.ts';
import { checkRange } from './validation.ts';

const NOT_FOUND = 'The resource you requested does not exist.';

/**
 * The members the mapping operations read. The source, starting position, sizes and function
 * name are checked by the handlers with Lambda's own messages; `UUID` is the path label.
 */
const CreateMappingInput = Type.Object({
  EventSourceArn: HandlerChecked(),
  StartingPosition: HandlerChecked(),
  FunctionName: HandlerChecked(),
  BatchSize: HandlerChecked(),
  MaximumBatchingWindowInSeconds: HandlerChecked(),
  Enabled: Maybe(Type.Boolean()),
});
const UpdateMappingInput = Type.Object({
  UUID: Type.String(),
  BatchSize: HandlerChecked(),
  Enabled: Maybe(Type.Boolean()),
});

/**
 * Event source mappings from DynamoDB streams (the only event source the emulator has).
 * Shapes and messages: docs/fidelity/lambda.md, "Event source mappings"; localstack `provider.py`.
 * State: Creating → Enabled (or Disabled), Enabling/Disabling on update, Deleting → gone.
 */
export function eventSourceMappingOperations(backend: LambdaBackend, api: LambdaApi): Operation[] {
  const clock = backend.runtime.clock;

  const find = (uuid: string, ctx: RequestContext): MappingRecord => {
    const mapping = backend.store.region(ctx.region).mappings.get(uuid);
    if (!mapping) throw new ServiceError('ResourceNotFoundException', NOT_FOUND, { status: 404 });
    return mapping;
  };

  const transition = (mapping: MappingRecord, to: MappingRecord['state'], then?: () => void) => {
    mapping.timers.push(
      clock.setTimeout(() => {
        mapping.state = to;
        then?.();
      }, MAPPING_TRANSITION_MS),
    );
  };

  return [
    {
      name: 'CreateEventSourceMapping',
      http: { method: 'POST', path: '/2015-03-31/event-source-mappings', status: 202 },
      handler: typedHandler(CreateMappingInput, async (input, ctx) => {
        const { sourceArn, stream, position } = streamSource(input);
        const batchSize = checkRange(input.BatchSize, 'batchSize', 1, 10_000, 100);
        const loc = parseFunctionName(input.FunctionName);
        const fnRegion = loc.region ?? ctx.region;
        // A version or alias in the name is kept: each batch then goes to that version (or alias routing).
        const { fn } = resolveQualifier(backend, fnRegion, loc.name, loc.qualifier);
        const targetArn = loc.qualifier ? functionArn(fnRegion, loc.name, loc.qualifier) : fn.arn;
        const mappings = backend.store.region(ctx.region).mappings;
        for (const existing of mappings.values()) {
          if (existing.functionArn === targetArn && existing.eventSourceArn === sourceArn && existing.state !== 'Deleting') {
            throw new ServiceError(
              'ResourceConflictException',
              `The event source arn (" ${sourceArn} ") and function (" ${fn.name} ") provided mapping already exists. ` +
                `Please update or delete the existing mapping with UUID ${existing.uuid}`,
              { status: 409 },
            );
          }
        }

        const uuid = randomUUID();
        const mapping: MappingRecord = {
          uuid,
          region: ctx.region,
          functionArn: targetArn,
          eventSourceArn: sourceArn,
          startingPosition: position,
          batchSize,
          maximumBatchingWindowInSeconds: checkRange(input.MaximumBatchingWindowInSeconds, 'maximumBatchingWindowInSeconds', 0, 300, 0),
          state: 'Creating',
          stateTransitionReason: 'User action',
          lastModified: new Date(clock.now()),
          lastProcessingResult: 'No records processed',
          timers: [],
        };
        const poller = mappingPoller(backend, api, mapping, stream.region, fnRegion);
        try {
          await poller.prepare();
        } catch (err) {
          poller.stop();
          throw new ServiceError('InvalidParameterValueException', `Stream not found: ${sourceArn}`, { cause: err });
        }
        mapping.poller = poller;
        mappings.set(uuid, mapping);
        const enabled = input.Enabled !== false;
        transition(mapping, enabled ? 'Enabled' : 'Disabled', () => {
          if (enabled) poller.start();
        });
        return mappingConfiguration(mapping);
      }),
    },
    {
      name: 'GetEventSourceMapping',
      http: { method: 'GET', path: '/2015-03-31/event-source-mappings/{UUID}' },
      handler: (input: { UUID: string }, ctx) => mappingConfiguration(find(input.UUID, ctx)),
    },
    {
      name: 'ListEventSourceMappings',
      http: {
        method: 'GET',
        path: '/2015-03-31/event-source-mappings',
        query: { EventSourceArn: 'EventSourceArn', FunctionName: 'FunctionName', Marker: 'Marker', MaxItems: 'MaxItems' },
      },
      handler(input: { EventSourceArn?: string; FunctionName?: string; Marker?: string; MaxItems?: string }, ctx) {
        const sourceArn = input.EventSourceArn;
        const functionName = input.FunctionName;
        let functionArn: string | undefined;
        if (functionName) {
          const loc = parseFunctionName(functionName);
          functionArn = `arn:aws:lambda:${loc.region ?? ctx.region}:${ACCOUNT_ID}:function:${loc.name}`;
        }
        const all = [...backend.store.region(ctx.region).mappings.values()].filter(
          (m) => (!sourceArn || m.eventSourceArn === sourceArn) && (!functionArn || m.functionArn === functionArn),
        );
        const marker = input.Marker;
        const maxItems = checkRange(input.MaxItems, 'maxItems', 1, 10_000, 100);
        const start = marker ? all.findIndex((m) => m.uuid === marker) + 1 : 0;
        const page = all.slice(start, start + maxItems);
        return {
          EventSourceMappings: page.map(mappingConfiguration),
          ...(start + maxItems < all.length ? { NextMarker: page[page.length - 1]!.uuid } : {}),
        };
      },
    },
    {
      name: 'UpdateEventSourceMapping',
      http: { method: 'PUT', path: '/2015-03-31/event-source-mappings/{UUID}' },
      handler: typedHandler(UpdateMappingInput, (input, ctx) => {
        const mapping = find(input.UUID, ctx);
        if (mapping.state === 'Deleting' || mapping.state === 'Creating') {
          throw new ServiceError(
            'ResourceInUseException',
            `Cannot update the event source mapping because it is in use. The current state is ${mapping.state}.`,
            { status: 400 },
          );
        }
        if (input.BatchSize !== undefined) mapping.batchSize = checkRange(input.BatchSize, 'batchSize', 1, 10_000, 100);
        if (input.Enabled === false && mapping.state !== 'Disabled') {
          mapping.state = 'Disabling';
          mapping.poller?.pause();
          transition(mapping, 'Disabled');
        } else if (input.Enabled === true && mapping.state !== 'Enabled') {
          mapping.state = 'Enabling';
          transition(mapping, 'Enabled', () => mapping.poller?.start());
        }
        mapping.lastModified = new Date(clock.now());
        return mappingConfiguration(mapping);
      }),
    },
    {
      name: 'DeleteEventSourceMapping',
      http: { method: 'DELETE', path: '/2015-03-31/event-source-mappings/{UUID}', status: 202 },
      handler(input: { UUID: string }, ctx) {
        const mapping = find(input.UUID, ctx);
        backend.stopMapping(mapping);
        mapping.state = 'Deleting';
        mapping.timers.push(clock.setTimeout(() => void backend.deleteMapping(mapping), MAPPING_TRANSITION_MS));
        return mappingConfiguration(mapping);
      },
    },
  ];
}

/** The stream a CreateEventSourceMapping names and where to start reading it, checked as Lambda checks them. */
function streamSource(input: Static<typeof CreateMappingInput>): {
  sourceArn: string;
  stream: { region: string; table: string };
  position: MappingRecord['startingPosition'];
} {
  const sourceArn = input.EventSourceArn;
  if (typeof sourceArn !== 'string') throw new ServiceError('InvalidParameterValueException', 'Unrecognized event source.');
  const stream = parseStreamArn(sourceArn);
  if (!stream) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `Unsupported event source: ${sourceArn}. This emulator supports DynamoDB stream event sources only.`,
    );
  }
  const position = input.StartingPosition;
  if (position === undefined || position === null) {
    throw new ServiceError(
      'InvalidParameterValueException',
      "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
    );
  }
  if (position !== 'LATEST' && position !== 'TRIM_HORIZON') {
    throw new ServiceError('InvalidParameterValueException', `Unsupported starting position for a DynamoDB stream: ${String(position)}`);
  }
  return { sourceArn, stream, position };
}

/** The poller that reads a mapping's stream and invokes its function with each batch (a failed invoke is a failed delivery). */
function mappingPoller(
  backend: LambdaBackend,
  api: LambdaApi,
  mapping: MappingRecord,
  streamRegion: string,
  fnRegion: string,
): StreamPoller {
  return new StreamPoller({
    streamArn: mapping.eventSourceArn,
    region: streamRegion,
    startingPosition: mapping.startingPosition,
    batchSize: () => mapping.batchSize,
    clock: backend.runtime.clock,
    interval: backend.runtime.model.streamPollInterval,
    endpoint: () => backend.runtime.endpoint(),
    log: backend.runtime.log,
    deliver: async (event) => {
      try {
        const result = await api.invoke({ region: fnRegion, functionName: mapping.functionArn, payload: event });
        return result.functionError === undefined;
      } catch (err) {
        backend.runtime.log(`lambda event source mapping ${mapping.uuid}: invoke failed: ${(err as Error).message}`);
        return false;
      }
    },
    onResult: (result) => (mapping.lastProcessingResult = result),
    onRecords: (listener) => backend.runtime.api('dynamodb').onRecords((event) => listener(event.streamArn)),
  });
}

/**
 * EventSourceMappingConfiguration for a DynamoDB stream (docs/fidelity/lambda.md, "Event source
 * mappings").
 */
function mappingConfiguration(m: MappingRecord): Record<string, unknown> {
  return {
    UUID: m.uuid,
    StartingPosition: m.startingPosition,
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    ParallelizationFactor: 1,
    EventSourceArn: m.eventSourceArn,
    FunctionArn: m.functionArn,
    LastModified: m.lastModified,
    LastProcessingResult: m.lastProcessingResult,
    State: m.state,
    StateTransitionReason: m.stateTransitionReason,
    DestinationConfig: { OnFailure: {} },
    FunctionResponseTypes: [],
    MaximumRecordAgeInSeconds: -1,
    BisectBatchOnFunctionError: false,
    MaximumRetryAttempts: -1,
    TumblingWindowInSeconds: 0,
    EventSourceMappingArn: `arn:aws:lambda:${m.region}:${ACCOUNT_ID}:event-source-mapping:${m.uuid}`,
  };
}
