// The shared step library: every testbed step pattern, defined once.
import { StepRegistry } from '../registry.js';
import { registerEvaluationSteps } from './evaluation.js';
import { type ProviderStepOptions, registerProviderSteps } from './provider.js';

export { DEFAULT_EVENT_TIMEOUT_MS, type ProviderStepOptions } from './provider.js';

/** A registry holding every shared step. Suites may `define` more (duplicates are errors). */
export function createStepLibrary(options: ProviderStepOptions = {}): StepRegistry {
  const registry = new StepRegistry();
  registerEvaluationSteps(registry);
  registerProviderSteps(registry, options);
  return registry;
}
