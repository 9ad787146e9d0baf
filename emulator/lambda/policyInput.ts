import { type Static, Type } from '@sinclair/typebox';
import { HandlerChecked, Maybe } from './lambdaInput.ts';

/**
 * The input of the resource-policy operations as the handlers read it (`typedHandler` checks it
 * first). `FunctionName` is the path label, `Qualifier` (and RemovePermission's `RevisionId`) a
 * query parameter: strings by the protocol. AddPermission's `StatementId` keeps AWS's own
 * pattern message, so it is `HandlerChecked()`.
 */

/** GetPolicy: the function and the qualifier whose policy is read. */
export const PolicyInput = Type.Object({
  FunctionName: Type.String(),
  Qualifier: Maybe(Type.String()),
});
export type PolicyInput = Static<typeof PolicyInput>;

/** AddPermission's body: the statement's members, each a string but `StatementId`. */
export const AddPermissionInput = Type.Object({
  FunctionName: Type.String(),
  Qualifier: Maybe(Type.String()),
  StatementId: HandlerChecked(),
  Action: Maybe(Type.String()),
  Principal: Maybe(Type.String()),
  SourceArn: Maybe(Type.String()),
  SourceAccount: Maybe(Type.String()),
  EventSourceToken: Maybe(Type.String()),
  PrincipalOrgID: Maybe(Type.String()),
  FunctionUrlAuthType: Maybe(Type.String()),
  InvokedViaFunctionUrl: Maybe(Type.Boolean()),
  RevisionId: Maybe(Type.String()),
});
export type AddPermissionInput = Static<typeof AddPermissionInput>;

/** RemovePermission: the statement is a path label. */
export const RemovePermissionInput = Type.Object({
  FunctionName: Type.String(),
  StatementId: Type.String(),
  Qualifier: Maybe(Type.String()),
});
