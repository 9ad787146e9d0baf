import { type Static, Type } from '@sinclair/typebox';
import { HandlerChecked, Maybe } from './lambdaInput.ts';

/**
 * The input of the function-URL operations as the handlers read it (`typedHandler` checks it
 * first): the function (path label) and the alias (query parameter), strings by the protocol,
 * then the config's members. `AuthType` and `InvokeMode` keep AWS's own enum messages
 * (`HandlerChecked()`); `Cors` is kept and answered back as given.
 */

/** `Cors`: the members of AWS's `Cors` structure. */
export const Cors = Type.Object({
  AllowCredentials: Maybe(Type.Boolean()),
  AllowHeaders: Maybe(Type.Array(Type.String())),
  AllowMethods: Maybe(Type.Array(Type.String())),
  AllowOrigins: Maybe(Type.Array(Type.String())),
  ExposeHeaders: Maybe(Type.Array(Type.String())),
  MaxAge: Maybe(Type.Integer()),
});

export const UrlConfigInput = Type.Object({
  FunctionName: Type.String(),
  Qualifier: Maybe(Type.String()),
  AuthType: HandlerChecked(),
  InvokeMode: HandlerChecked(),
  Cors: Maybe(Cors),
  Marker: Maybe(Type.String()),
  MaxItems: Maybe(Type.String()),
});
export type UrlConfigInput = Static<typeof UrlConfigInput>;
