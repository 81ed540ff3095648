import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { environment } from '../env.ts';

export interface RedisHandle {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Installs Debian's redis-server when running as root; otherwise says which command would. */
function installRedis(say: (line: string) => void): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'redis-server is not installed. Install it (sudo apt-get install -y redis-server) or set REDIS_URL.',
    );
  }
  say('installing redis-server (apt-get)…');
  for (const args of [['update'], ['install', '-y', 'redis-server']]) {
    const run = spawnSync('apt-get', args, {
      stdio: 'ignore',
      env: { ...environment(), DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (run.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed; install redis-server yourself or set REDIS_URL`);
  }
}

async function answers(url: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > until) throw new Error(`redis at ${url} did not answer: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      client.disconnect();
    }
  }
}

/**
 * A private Redis for the all-in-one mode: on a free loopback port, persisting into the data folder (append-only
 * file, so schedules and queued work survive a restart), with `noeviction` as BullMQ requires.
 */
export async function startPrivateRedis(dataDir: string, say: (line: string) => void): Promise<RedisHandle> {
  if (!hasRedisServer()) installRedis(say);
  const dir = resolve(dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `redis://127.0.0.1:${port}`;
  await answers(url, 10_000);
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function useRedis(url: string): Promise<RedisHandle> {
  await answers(url, 5_000);
  return { url, stop: async () => {} };
}
