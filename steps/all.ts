import type { AnyStepDefinition } from '../engine/types.ts';
import * as registered from './index.ts';

/** Every step type listed in `steps/index.ts`, as the engine's registry takes them. */
export const steps: AnyStepDefinition[] = Object.values(registered);
