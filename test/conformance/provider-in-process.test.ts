// flagd-testbed provider suite, @in-process: SwitchyardProvider (sync stream) against
// `switchyard start` run by the emulated launchpad (test/launchpad). Every @in-process scenario
// passes except @fractional-v1, @fractional-v3 and @deprecated.
import { defineSwitchyardSuite } from './support/switchyard-suite.js';

defineSwitchyardSuite('in-process');
