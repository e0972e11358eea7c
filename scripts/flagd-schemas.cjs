'use strict';
// Where the flagd flag-definition schemas (open-feature/flagd-schemas, its json/ directory) are:
// FLAGD_SCHEMAS_DIR, else the submodule test/flagd-schemas, else ../shared/flagd-schemas (see
// reference-checkout.cjs). `node scripts/flagd-schemas.cjs` prints the checkout (holding json/).
const { join } = require('node:path');
const { describeCheckout, locateCheckout, printCheckout } = require('./reference-checkout.cjs');

/** The schema release the submodule pins (tag json/json-schema-v0.2.15, commit 1daf5ff56b48). */
const SCHEMAS = Object.freeze({
  name: 'flagd-schemas',
  repository: 'open-feature/flagd-schemas',
  version: '0.2.15',
  versionFile: 'json/version.txt',
  envVar: 'FLAGD_SCHEMAS_DIR',
  submodule: 'test/flagd-schemas',
  markers: Object.freeze(['json/flags.json', 'json/targeting.json', 'json/test']),
});

/** The schemas checkout (the repository root, holding json/); throws when there is none. */
function locateSchemas(options) {
  return locateCheckout(SCHEMAS, options);
}

/** The json/ directory of the schemas checkout: flags.json, targeting.json, test/, examples/. */
function schemasJsonDir(options) {
  return join(locateSchemas(options).dir, 'json');
}

function describeSchemas(checkout) {
  return describeCheckout(SCHEMAS, checkout);
}

module.exports = { SCHEMAS, describeSchemas, locateSchemas, schemasJsonDir };

if (require.main === module) printCheckout(locateSchemas);
