// `a forbidden flagd provider` (the testbed's docker-compose.yaml): envoy's 9212 listener answers
// every request with HTTP 403. An HTTP/2 server doing the same; grpc-js maps a non-200 `:status`
// without a grpc-status to a status code (403 → PERMISSION_DENIED), which `fatalStatusCodes` turns
// FATAL.
import { type Listener, listenHttp2 } from './http2-server.js';

export async function startForbiddenResponder(): Promise<Listener> {
  const listener = await listenHttp2();
  listener.server.on('stream', (stream) => {
    stream.on('error', () => {});
    stream.respond({ ':status': 403, 'content-type': 'text/plain' });
    stream.end('forbidden');
  });
  return listener;
}
