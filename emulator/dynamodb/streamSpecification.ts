import { serializationError, validationError } from './backend.ts';
import { ConstraintErrors, wireBoolean, wireString } from './wireTypes.ts';
import { STREAM_VIEW_TYPES, type StreamViewType } from './records.ts';

/** A request's StreamSpecification once its shape is known to be valid. */
export interface StreamSpecificationInput {
  enabled: boolean;
  viewType?: StreamViewType;
}

/**
 * Shape checks of `StreamSpecification`, which dynalite silently drops (docs/fidelity/dynamodb.md,
 * "DynamoDB Streams"), with dynalite's wording for everything else (`validations/index.js`: type
 * errors are SerializationExceptions, constraint errors "N validation error(s) detected: Value … at
 * …"). Returns undefined when the request has none.
 */
export function parseStreamSpecification(value: unknown): StreamSpecificationInput | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw serializationError('Unexpected field type');
  if (Array.isArray(value)) {
    throw serializationError('Unrecognized collection type class com.amazonaws.dynamodb.v20120810.StreamSpecification');
  }
  const spec = value as Record<string, unknown>;
  const enabled = wireBoolean(spec.StreamEnabled);
  const viewType = wireString(spec.StreamViewType);
  const invalid = new ConstraintErrors()
    .required(enabled, 'streamSpecification.streamEnabled')
    .oneOf(viewType, 'streamSpecification.streamViewType', STREAM_VIEW_TYPES)
    .message();
  if (invalid) throw validationError(invalid);
  return { enabled: enabled!, viewType: viewType as StreamViewType | undefined };
}

/**
 * CreateTable's rules (AWS's messages, as recorded against the live service): an enabled
 * stream needs a view type, a disabled one must not have one.
 */
export function checkCreateStream(spec: StreamSpecificationInput): void {
  const prefix = 'One or more parameter values were invalid: ';
  if (spec.enabled && !spec.viewType)
    throw validationError(`${prefix}Table is being created with a stream enabled, UpdateViewType is required`);
  if (!spec.enabled && spec.viewType) {
    throw validationError(`${prefix}Table is being created with a stream disabled, UpdateViewType should not be specified`);
  }
}

/**
 * UpdateTable's rules: the parameters first, then the table's state. A view type cannot be
 * changed in place: a second enable, whatever its type, is "already has an enabled stream".
 */
export function checkUpdateStream(spec: StreamSpecificationInput, tableName: string, hasEnabledStream: boolean): void {
  const prefix = 'One or more parameter values were invalid: ';
  if (spec.enabled && !spec.viewType) throw validationError(`${prefix}If stream is being enabled then UpdateViewType is required`);
  if (!spec.enabled && spec.viewType) {
    throw validationError(`${prefix}If stream is being disabled, then UpdateViewType must not be specified`);
  }
  if (spec.enabled && hasEnabledStream) throw validationError(`Table already has an enabled stream: TableName: ${tableName}`);
  if (!spec.enabled && !hasEnabledStream) throw validationError(`Table has no stream to disable: TableName: ${tableName}`);
}
