// The provider's errors belong to the one family: SwitchyardError subclasses whose code is a row
// of core's ERROR_CODES, with the code at the start of the message.
import { ERROR_CODES, SwitchyardError } from '@switchyard/core';
import {
  FlagConfigurationError,
  ProviderOptionError,
  SourceUnavailableError,
} from '../src/index.js';

test.each([
  [
    new FlagConfigurationError('flags.json', ['a', 'b']),
    'CONFIGURATION_INVALID',
    'flags.json: a (+1 more)',
  ],
  [
    new ProviderOptionError('port', 'expected a TCP port'),
    'INVALID_OPTION',
    'port: expected a TCP port',
  ],
  [
    new SourceUnavailableError('sync localhost:8015: UNAVAILABLE'),
    'SOURCE_UNAVAILABLE',
    'sync localhost:8015: UNAVAILABLE',
  ],
])('%p is a SwitchyardError with a table code', (error, code, text) => {
  expect(error).toBeInstanceOf(SwitchyardError);
  expect(error.code).toBe(code);
  expect(ERROR_CODES[error.code]).toBeDefined();
  expect(error.message).toBe(`${code}: ${text}`);
  expect(error.name).toBe(error.constructor.name);
});

test('FlagConfigurationError keeps its source, details and cause', () => {
  const cause = new Error('underlying');
  const error = new FlagConfigurationError('inline', ['x'], { cause });
  expect(error).toMatchObject({ source: 'inline', details: ['x'], cause });
});
