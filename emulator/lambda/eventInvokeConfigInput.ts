import { type Static, Type } from '@sinclair/typebox';
import { HandlerChecked, Maybe } from './lambdaInput.ts';

/**
 * The input of the event-invoke-config operations as the handlers read it (`typedHandler` checks
 * it first): the function (path label), the qualifier and ListFunctionEventInvokeConfigs' paging
 * (query parameters, strings by the protocol), then the config's members. The two numbers keep
 * AWS's own range messages (`HandlerChecked()`); `DestinationConfig` is kept and answered back.
 */

/** `OnSuccess` / `OnFailure`: the ARN events go to. */
const Destination = Type.Object({ Destination: Maybe(Type.String()) });

export const DestinationConfig = Type.Object({ OnSuccess: Maybe(Destination), OnFailure: Maybe(Destination) });

export const EventInvokeConfigInput = Type.Object({
  FunctionName: Type.String(),
  Qualifier: Maybe(Type.String()),
  MaximumRetryAttempts: HandlerChecked(),
  MaximumEventAgeInSeconds: HandlerChecked(),
  DestinationConfig: Maybe(DestinationConfig),
  Marker: Maybe(Type.String()),
  MaxItems: Maybe(Type.String()),
});
export type EventInvokeConfigInput = Static<typeof EventInvokeConfigInput>;
