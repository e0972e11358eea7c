// The image's HEALTHCHECK: GET /readyz on the management port, exit 0 on 200. The port is
// FLAGD_MANAGEMENT_PORT (the OpenFeature operator sets it), else 8014; a --management-port on
// the command line needs the same value in that variable.
const { get } = require('node:http');

const port = Number(process.env.FLAGD_MANAGEMENT_PORT || 8014);
const request = get({ host: '127.0.0.1', port, path: '/readyz', timeout: 2000 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
