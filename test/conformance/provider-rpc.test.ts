// flagd-testbed provider suite, @rpc: SwitchyardProvider in RPC mode (flagd.evaluation.v2 unary
// calls, EventStream, LRU cache) against `switchyard start` run by the emulated launchpad
// (test/launchpad). Every @rpc scenario passes except @fractional-v1, @fractional-v3 and
// @deprecated — the @caching scenarios and targetUri included, which the official provider
// fails (official-provider-rpc.test.ts).
import { defineSwitchyardSuite } from './support/switchyard-suite.js';

defineSwitchyardSuite('rpc');
