// Options of an in-process provider connected to a loopback sync server, with retry timings short
// enough that tests waiting on reconnect events finish quickly. Tests override what they pin down.
import type { SwitchyardProviderOptions } from '../../src/index.js';

export function loopbackOptions(
  port: number,
  options: SwitchyardProviderOptions = {},
): SwitchyardProviderOptions {
  return {
    resolverType: 'in-process',
    host: '127.0.0.1',
    port,
    deadlineMs: 3000,
    retryBackoffMs: 40,
    retryBackoffMaxMs: 150,
    retryGracePeriod: 0.2,
    ...options,
  };
}
