// One port, HTTP/1.1 and HTTP/2 (dual-listen.ts) on real sockets: each connection goes to the
// server its first bytes name, and one that does not say which HTTP it speaks is dropped after
// the sniff timeout instead of being held by nobody.
import { once } from 'node:events';
import { createServer as createHttp1Server, get } from 'node:http';
import { connect, createServer as createHttp2Server } from 'node:http2';
import { createConnection } from 'node:net';
import { listenDual } from '../src/dual-listen.js';
import type { DualListener } from '../src/dual-listen.js';

let listener: DualListener | undefined;
afterEach(async () => {
  await listener?.close(100);
  listener = undefined;
});

async function start(): Promise<DualListener> {
  const http1 = createHttp1Server((_, res) => res.end('http/1.1'));
  const http2 = createHttp2Server((_, res) => res.end('h2'));
  listener = await listenDual(
    { http1, http2, sniffTimeoutMs: 300 },
    { host: '127.0.0.1', port: 0 },
  );
  return listener;
}

test('HTTP/1.1 and HTTP/2 prior knowledge on the same port', async () => {
  const { port } = await start();
  const h1 = await new Promise<string>((resolve, reject) => {
    get({ host: '127.0.0.1', port, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  expect(h1).toBe('http/1.1');
  const session = connect(`http://127.0.0.1:${port}`);
  try {
    const stream = session.request({ ':path': '/' });
    let body = '';
    stream.on('data', (chunk) => {
      body += chunk;
    });
    await once(stream, 'end');
    expect(body).toBe('h2');
  } finally {
    session.close();
  }
});

test.each([
  ['sends nothing', ''],
  ['sends a part of the HTTP/2 preface and stops', 'PRI * HTTP/2'],
])('a connection that %s is closed after the sniff timeout', async (_label, bytes) => {
  const { port } = await start();
  const socket = createConnection(port!, '127.0.0.1');
  await once(socket, 'connect');
  if (bytes) socket.write(bytes);
  socket.resume();
  await once(socket, 'close');
});
