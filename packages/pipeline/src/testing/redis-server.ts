import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port was given');
  return address.port;
}

export interface PrivateRedis {
  url: string;
  /** Kills the server and waits for it to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and data folder; resolves once the data is loaded. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A `redis-server` of the test's own: every write is fsynced to its append-only file before the reply, so a
 * killed server comes back with everything it acknowledged.
 */
export async function startPrivateRedis(timeoutMs = 10_000): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'evident-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''].concat([
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
  ]);
  let child: ChildProcess | undefined;

  async function launch(): Promise<void> {
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), timeoutMs);
      const onData = (d: Buffer) => {
        out += String(d);
        if (!out.includes('Ready to accept connections')) return;
        clearTimeout(timer);
        resolve();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${out}`));
      });
    });
  }

  async function kill(signal: NodeJS.Signals): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    await exited;
  }

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: launch,
    async close() {
      await kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
