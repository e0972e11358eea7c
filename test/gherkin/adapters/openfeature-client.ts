// A FlagClient over an OpenFeature `Client` (@openfeature/server-sdk): the provider suites run
// the shared steps through the SDK, as an application would (typed get*Details calls, client
// event handlers, client.providerStatus).
import {
  type Client,
  type EvaluationContext,
  type EvaluationDetails,
  type EventDetails,
  type FlagValue,
  type JsonValue,
  ProviderEvents,
} from '@openfeature/server-sdk';
import type { ValueType } from '../cells.js';
import type {
  EvaluationContextLike,
  FlagClient,
  FlagDetails,
  FlagEvent,
  FlagEventKind,
} from '../world.js';

const EVENTS: Record<FlagEventKind, ProviderEvents> = {
  ready: ProviderEvents.Ready,
  error: ProviderEvents.Error,
  stale: ProviderEvents.Stale,
  change: ProviderEvents.ConfigurationChanged,
};

function toDetails<T extends FlagValue>(d: EvaluationDetails<T>): FlagDetails {
  return {
    value: d.value,
    variant: d.variant,
    reason: d.reason,
    errorCode: d.errorCode,
    errorMessage: d.errorMessage,
    flagMetadata: d.flagMetadata,
  };
}

export interface OpenFeatureClientOptions {
  /** Called after the scenario, e.g. `() => OpenFeature.clearProviders()`. */
  readonly close?: () => void | Promise<void>;
}

export function openFeatureClient(
  client: Client,
  options: OpenFeatureClientOptions = {},
): FlagClient {
  return {
    async evaluateDetails(
      type: ValueType,
      key: string,
      defaultValue: unknown,
      context: EvaluationContextLike,
    ) {
      const ctx = context as EvaluationContext;
      switch (type) {
        case 'boolean':
          return toDetails(await client.getBooleanDetails(key, defaultValue as boolean, ctx));
        case 'string':
          return toDetails(await client.getStringDetails(key, defaultValue as string, ctx));
        case 'number':
          return toDetails(await client.getNumberDetails(key, defaultValue as number, ctx));
        case 'object':
          return toDetails(await client.getObjectDetails(key, defaultValue as JsonValue, ctx));
      }
    },
    onEvent(kind, handler) {
      const type = EVENTS[kind];
      // The SDK runs a READY handler at once when the provider is already ready (spec 5.3.3).
      const listener = (details?: EventDetails): void => {
        const event: { -readonly [K in keyof FlagEvent]: FlagEvent[K] } = { kind };
        const changed: unknown = details?.flagsChanged;
        if (Array.isArray(changed)) event.flagsChanged = changed.map(String);
        if (details?.errorCode) event.errorCode = String(details.errorCode);
        if (details?.message) event.message = details.message;
        handler(event);
      };
      client.addHandler(type, listener);
      return () => client.removeHandler(type, listener);
    },
    status: () => client.providerStatus,
    ...(options.close ? { close: options.close } : {}),
  };
}
