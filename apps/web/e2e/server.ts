import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { TestDatabase } from '@evident/db/testing';

const WEB = join(import.meta.dirname, '..');
const BIN = join(WEB, '..', 'server', 'bin', 'server.js');

/** The production build under test, built the way `npm run build` does (the test runner's NODE_ENV=test would not). */
export function buildWebApp() {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: WEB,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** The real server process (`apps/server`) on loopback over the test's database, as `npm run up` runs it. */
export async function startServerProcess(
  db: TestDatabase,
  prefix = `e2e-${process.pid}-${Date.now()}`,
  extraEnv: Record<string, string> | ((port: number) => Record<string, string>) = {},
): Promise<{ url: string; close(): Promise<void> }> {
  if (db.database.driver !== 'pg') throw new Error('the server process needs a PostgreSQL test database');
  const port = await freePort();
  const extra = typeof extraEnv === 'function' ? extraEnv(port) : extraEnv;
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [BIN], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: String(db.database.pool.options.connectionString),
      EVIDENT_SECRET_KEY: db.key.key,
      EVIDENT_SECRET_KEY_ID: db.key.id,
      EVIDENT_QUEUE_PREFIX: prefix,
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
      LOG_LEVEL: 'warn',
      METADATA_SERVER_DETECTION: 'none',
      ...extra,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 150) throw new Error('the server did not become ready in 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
