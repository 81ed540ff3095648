import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { totpCodeForStep, totpStepAt } from '@evident/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidentWith } from '../testing/spawn.ts';
import { demoOwnerPath } from '../up/demo-owner.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('evident totp --demo', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evident-totp-'));
    const owner = { email: 'owner@demo.evident.local', password: 'a long demo password', totpSecret: SECRET };
    await writeFile(demoOwnerPath(dir), JSON.stringify(owner));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The codes of the steps the command ran in, shifted by `ahead`: the run may cross a step boundary. */
  async function run(ahead: number, ...args: string[]) {
    const before = totpStepAt(new Date());
    const out = await evidentWith({ EVIDENT_DATA_DIR: dir }, 'totp', '--demo', ...args);
    const after = totpStepAt(new Date());
    const expected = [before, after].map((s) => totpCodeForStep(SECRET, s + ahead));
    return { out, expected };
  }

  it('prints the current code and says it is single-use', async () => {
    const { out, expected } = await run(0);
    expect(out.code).toBe(0);
    expect(expected).toContain(out.stdout.trim());
    expect(out.stderr).toMatch(/single-use; \d+ s left in this step/);
  });

  it('prints the next step’s code with --next, for a second sign-in within the same 30 seconds', async () => {
    const { out, expected } = await run(1, '--next');
    expect(out.code).toBe(0);
    expect(expected).toContain(out.stdout.trim());
    expect(out.stderr).toMatch(/single-use/);
  });
});
