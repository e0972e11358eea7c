// A plaintext HTTP/2 listener on loopback that can be closed at once: grpc-js keeps its
// sessions open, so close() also destroys the sessions the server accepted.
import { createServer, type Http2Server, type ServerHttp2Session } from 'node:http2';

export interface Listener {
  readonly server: Http2Server;
  readonly port: number;
  close(): Promise<void>;
}

export function listenHttp2(
  server: Http2Server = createServer(),
  host = '127.0.0.1',
): Promise<Listener> {
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('error', () => {});
    session.once('close', () => sessions.delete(session));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('no address'));
        return;
      }
      resolve({
        server,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sessions) s.destroy();
          }),
      });
    });
  });
}
