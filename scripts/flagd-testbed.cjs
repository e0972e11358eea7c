'use strict';
// Where the flagd conformance suite (open-feature/flagd-testbed) is: FLAGD_TESTBED_DIR, else the
// submodule test/flagd-testbed, else ../shared/flagd-testbed (see reference-checkout.cjs). The
// suite is read in place: it is never copied into this repository.
// `node scripts/flagd-testbed.cjs` prints the directory (for shell scripts).
const { describeCheckout, locateCheckout, printCheckout } = require('./reference-checkout.cjs');

/** The testbed release the submodule pins (tag v3.9.0, commit 82ba89ec8db4). */
const TESTBED = Object.freeze({
  name: 'flagd-testbed',
  repository: 'open-feature/flagd-testbed',
  version: '3.9.0',
  versionFile: 'version.txt',
  envVar: 'FLAGD_TESTBED_DIR',
  submodule: 'test/flagd-testbed',
  markers: Object.freeze(['gherkin', 'evaluator', 'flags']),
});

/** The testbed checkout; throws ReferenceCheckoutMissingError when there is none. */
function locateTestbed(options) {
  return locateCheckout(TESTBED, options);
}

function describeTestbed(checkout) {
  return describeCheckout(TESTBED, checkout);
}

module.exports = { TESTBED, describeTestbed, locateTestbed };

if (require.main === module) printCheckout(locateTestbed);
