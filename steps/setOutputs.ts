import { Type } from '@sinclair/typebox';
import { defineStep } from './define.ts';
import { AnyValue } from './support/schema.ts';

/**
 * Publishes values as outputs: what a `uses:` block's `outputs:` become (one such step under the
 * block's id), and the aggregate of a `repeat:`/`matrix:` block. `values` are copied as they
 * are (templates resolved by the engine); each `aggregate` entry lists one value per iteration
 * and becomes `{ values, min, p50, p95, max }` when they are all numbers (nearest-rank
 * percentiles), `{ values }` otherwise.
 */
export default defineStep({
  type: 'setOutputs',
  description: 'Publish values (and per-iteration aggregates: min, p50, p95, max) as outputs; what `uses:` blocks compile to.',
  needsTarget: false,
  effects: () => [],
  params: Type.Object(
    {
      values: Type.Optional(
        Type.Record(Type.String(), AnyValue(), { description: 'Outputs by name, e.g. { url: "${{ steps.a.outputs.url }}" }.' }),
      ),
      aggregate: Type.Optional(
        Type.Record(Type.String(), Type.Array(AnyValue()), {
          description: 'Outputs by name, one value per iteration; numbers get min, p50, p95, max.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  outputs: Type.Object({}, { additionalProperties: true, description: 'The values, and one summary per aggregate.' }),
  run: async (params) => {
    const out: Record<string, unknown> = { ...(params.values ?? {}) };
    for (const [name, values] of Object.entries(params.aggregate ?? {})) out[name] = summarize(values);
    return out;
  },
});

/** `{ values }`, plus min, p50, p95 and max (nearest rank) when every value is a finite number. */
export function summarize(values: readonly unknown[]): Record<string, unknown> {
  if (values.length === 0 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) return { values: [...values] };
  const sorted = [...(values as number[])].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { values: [...values], min: sorted[0]!, p50: rank(50), p95: rank(95), max: sorted[sorted.length - 1]! };
}
