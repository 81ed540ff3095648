import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPassword, newTotpSecret } from '@evident/api';
import type { OrganizationId } from '@evident/core';
import type { Store } from '@evident/db';
import { z } from 'zod';

const ownerFile = z.object({ email: z.email(), password: z.string().min(12), totpSecret: z.string().min(16) });
export type DemoOwner = z.infer<typeof ownerFile>;

export const demoOwnerPath = (dataDir: string) => join(dataDir, 'demo-owner.json');

export async function readDemoOwner(dataDir: string): Promise<DemoOwner | null> {
  try {
    return ownerFile.parse(JSON.parse(await readFile(demoOwnerPath(dataDir), 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The demo MSP's owner, created once with a random password and an enrolled TOTP secret, kept (readable by this
 * user only) in the local data folder so `evident totp --demo` can show the current code. Local demos only.
 */
export async function ensureDemoOwner(store: Store, org: OrganizationId, dataDir: string): Promise<DemoOwner> {
  const existing = await readDemoOwner(dataDir);
  if (existing && (await store.findUserByEmail(org, existing.email))) return existing;
  const owner = {
    email: 'owner@demo.evident.local',
    password: randomBytes(12).toString('base64url'),
    totpSecret: newTotpSecret(),
  };
  const user =
    (await store.findUserByEmail(org, owner.email)) ??
    (await store.createUser(org, { email: owner.email, role: 'owner' }));
  await store.setPasswordHash(org, user.id, await hashPassword(owner.password));
  await store.setTotpSecret(org, user.id, owner.totpSecret);
  await store.confirmTotp(org, user.id);
  await writeFile(demoOwnerPath(dataDir), `${JSON.stringify(owner, null, 2)}\n`, { mode: 0o600 });
  return owner;
}
