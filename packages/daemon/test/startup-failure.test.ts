// A daemon that cannot start one of its servers must not leave the others listening:
// startDaemon rejects with the cause, and every port it had already bound is released; the
// command prints that one error and exits 1.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon } from '../src/daemon.js';

function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
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

test('a busy OFREP port rejects startDaemon and releases the evaluation port that did bind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-startup-'));
  const file = join(dir, 'flags.json');
  writeFileSync(file, JSON.stringify({ flags: {} }));
  const occupied = createServer();
  const ofrepPort = await listen(occupied);
  const probe = createServer();
  const evaluationPort = await listen(probe);
  await close(probe);

  await expect(
    startDaemon({
      sources: [`file:${file}`],
      host: '127.0.0.1',
      syncPort: 0,
      managementPort: 0,
      evaluationPort,
      ofrepPort,
      logLevel: 'silent',
    }),
  ).rejects.toThrow(/STARTUP: cannot listen on .*OFREP/);

  const again = createServer();
  await expect(listen(again, evaluationPort)).resolves.toBe(evaluationPort);
  await close(again);
  await close(occupied);
});

describe('switchyard start on a busy port (child process)', () => {
  const dev = join(__dirname, 'helpers', 'switchyard-dev.cjs');

  const running = new Set<ChildProcess>();
  afterEach(() => {
    for (const child of running) child.kill('SIGKILL'); // a hung command must not outlive its test
  });

  /** Runs the command to its exit; a process that never exits fails the test by its timeout. */
  function exitOf(args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [dev, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      running.add(child);
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('exit', (code) => {
        running.delete(child);
        resolve({ code, stderr });
      });
    });
  }

  test.each([['--sync-port'], ['--port'], ['--ofrep-port'], ['--management-port']])(
    '%s in use: exit 1 with one line, the StartupError (no grpc-js log line, nothing left open)',
    async (option) => {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-startup-'));
      writeFileSync(join(dir, 'flags.json'), JSON.stringify({ flags: {} }));
      const occupied = createServer();
      const busy = await listen(occupied, 0, '0.0.0.0');
      const ports = ['--sync-port', '--port', '--ofrep-port', '--management-port'].flatMap((o) => [
        o,
        o === option ? String(busy) : '0',
      ]);
      const r = await exitOf(['start', '--uri', `file:${join(dir, 'flags.json')}`, ...ports]);
      await close(occupied);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^switchyard: STARTUP: cannot listen on [^\n]*EADDRINUSE[^\n]*\n$/);
    },
  );
});
