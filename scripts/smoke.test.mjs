import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { killAll, start, tail, within } from './smoke/children.mjs';

const smoke = fileURLToPath(new URL('./smoke.mjs', import.meta.url));
const SUMMARY = /^\s*\d+ passed, \d+ failed/m;
afterEach(killAll);

/** Running, and not a zombie left for an init that does not reap. */
const alive = (pid) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

it('a step that does not answer is failed at its deadline, with its label', async () => {
  const never = new Promise(() => {});
  await expect(within(50, never, 'the server')).rejects.toThrow('the server: nothing within 0 s');
  await expect(within(1_000, Promise.resolve('ok'), 'fast')).resolves.toBe('ok');
});

it('stopping a child ends what it started too, so a timeout leaves no process behind', async () => {
  const child = start('sh', ['-c', 'sleep 300 & echo "$!"; wait'], {});
  const [, pid] = await child.waitFor(/^(\d+)$/m, 10_000, 'the shell');
  expect(alive(Number(pid))).toBe(true);
  await child.stop('SIGKILL', 5_000);
  await expect.poll(() => alive(Number(pid)), { timeout: 5_000 }).toBe(false);
});

it('the output it repeats never reads like the test summary CI looks for', () => {
  expect(tail('booting\n12 passed, 0 failed, 1 skipped\nready')).toBe('booting\nready');
});

it('fails, without a summary-like line, when the Node binary does not run', () => {
  const run = spawnSync(process.execPath, [smoke, '/nonexistent/node'], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status).toBe(1);
  expect(`${run.stdout}${run.stderr}`).toMatch(/^smoke: FAILED /m);
  expect(`${run.stdout}${run.stderr}`).not.toMatch(SUMMARY);
});
