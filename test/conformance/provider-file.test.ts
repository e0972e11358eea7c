// flagd-testbed provider suite, @file: SwitchyardProvider reading the launchpad's generated
// allFlags.json (offlineFlagSourcePath); the "outage" deletes and later recreates the file.
// Every @file scenario passes except @fractional-v1, @fractional-v3 and @deprecated.
import { defineSwitchyardSuite } from './support/switchyard-suite.js';

defineSwitchyardSuite('file');
