import { TemplateError } from '../errors.ts';

/**
 * A `${{ }}` expression that cannot be parsed, type-checked or evaluated, located at a character
 * `offset` inside the string it came from (the loader turns it into `file:line:col`). It is a
 * {@link TemplateError}, so code that catches template errors catches it too.
 */
export class ExpressionError extends TemplateError {
  readonly offset: number;
  constructor(message: string, offset: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExpressionError';
    this.offset = offset;
  }

  /** The same error with its offset moved by `by` (an expression's position in its string). */
  shifted(by: number): ExpressionError {
    return new ExpressionError(this.message, this.offset + by, { cause: this.cause });
  }
}

/**
 * An ordering comparison (`<`, `>=`, ...) or objective that met a value that is not there: a
 * measure that was never reached (no failover, no readback) or a path that resolved to
 * undefined. Objectives report it as "not measured", a failed verdict.
 */
export class MissingValueError extends ExpressionError {
  readonly path: string;
  constructor(path: string, offset: number) {
    super(`${path} has no value`, offset);
    this.name = 'MissingValueError';
    this.path = path;
  }
}
