import { type Static, Type } from '@sinclair/typebox';
import { HandlerChecked, Maybe, StringMap } from './lambdaInput.ts';

/**
 * The input of CreateFunction, UpdateFunctionCode and UpdateFunctionConfiguration as the
 * handlers read it (`typedHandler` checks it first). Members declared `HandlerChecked()` are
 * checked by the handlers with AWS's own messages (validation.ts, functionArn.ts).
 */

/** Where a deployment package comes from; the emulator reads `ZipFile` (base64) and refuses S3 and images. */
const codeMembers = {
  ZipFile: Maybe(Type.String()),
  S3Bucket: Maybe(Type.String()),
  S3Key: Maybe(Type.String()),
  S3ObjectVersion: Maybe(Type.String()),
  ImageUri: Maybe(Type.String()),
  SourceKMSKeyArn: Maybe(Type.String()),
};

export const FunctionCode = Type.Object(codeMembers);
export type FunctionCode = Static<typeof FunctionCode>;

/** `Environment`: its variables, a map of strings (their 4 KB limit is checked by checkEnvironment). */
export const Environment = Type.Object({ Variables: Maybe(StringMap) });
export type Environment = Static<typeof Environment>;

/** The configuration members CreateFunction and UpdateFunctionConfiguration share. */
const configurationMembers = {
  Role: HandlerChecked(),
  Runtime: HandlerChecked(),
  Handler: HandlerChecked(),
  Timeout: HandlerChecked(),
  MemorySize: HandlerChecked(),
  Environment: Maybe(Environment),
  Description: Maybe(Type.String()),
};

export const CreateFunctionInput = Type.Object({
  FunctionName: HandlerChecked(),
  ...configurationMembers,
  Architectures: HandlerChecked(),
  PackageType: Maybe(Type.String()),
  Code: Maybe(FunctionCode),
  Tags: Maybe(StringMap),
  Publish: Maybe(Type.Boolean()),
});

/** `FunctionName` is the path label; the code members sit at the top level, not under `Code`. */
export const UpdateFunctionCodeInput = Type.Object({
  FunctionName: Type.String(),
  ...codeMembers,
  Architectures: HandlerChecked(),
  RevisionId: Maybe(Type.String()),
  DryRun: Maybe(Type.Boolean()),
  Publish: Maybe(Type.Boolean()),
});

export const UpdateFunctionConfigurationInput = Type.Object({
  FunctionName: Type.String(),
  ...configurationMembers,
  RevisionId: Maybe(Type.String()),
});
