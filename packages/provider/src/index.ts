// Users: the provider and its options.
export { SwitchyardProvider } from './switchyard-provider.js';
export type {
  ContextEnricher,
  ResolvedProviderOptions,
  ResolverType,
  SwitchyardProviderOptions,
} from './options.js';
export type { ProviderState } from './state-machine.js';
// Integrators: option resolution without a provider (config checks), and typed errors.
export { DEFAULTS, ENV } from './options.js';
export { resolveOptions } from './resolve-options.js';
export type { Environment } from './resolve-options.js';
export { ProviderOptionError } from './errors/provider-option-error.js';
export { FlagConfigurationError } from './errors/flag-configuration-error.js';
export { SourceUnavailableError } from './errors/source-unavailable-error.js';
