// A daemon that cannot start one of its servers must not leave the others listening:
// startDaemon rejects with the cause, and every port it had already bound is released.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../src/daemon.js';

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

test('a port already in use rejects startDaemon and releases the ports that did bind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-startup-'));
  const file = join(dir, 'flags.json');
  writeFileSync(file, JSON.stringify({ flags: {} }));

  // Reserve two free ports: one stays occupied (management), one is for the sync server.
  const occupied = createServer();
  const managementPort = await listen(occupied);
  const probe = createServer();
  const syncPort = await listen(probe);
  await close(probe);

  await expect(
    startDaemon({
      sources: [`file:${file}`],
      host: '127.0.0.1',
      syncPort,
      managementPort,
      logLevel: 'silent',
    }),
  ).rejects.toThrow(/EADDRINUSE|in use/);

  // The sync server had bound syncPort; it must have been closed again.
  const again = createServer();
  await expect(listen(again, syncPort)).resolves.toBe(syncPort);
  await close(again);
  await close(occupied);
});
