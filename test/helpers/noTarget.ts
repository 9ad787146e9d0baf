import type { Target } from '../../engine/types.ts';

/** A target for generic steps, which must never ask for an AWS client. */
export const noTarget: Target = {
  kind: 'aws',
  timeScale: 1,
  values: {},
  client() {
    throw new Error('a generic step asked for an AWS client');
  },
};
