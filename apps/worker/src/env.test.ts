import { generateSecretKey } from '@evident/db';
import { expect, it } from 'vitest';
import { readEnv } from './env.ts';

const base = { DATABASE_URL: 'postgres://127.0.0.1/evident', EVIDENT_SECRET_KEY: generateSecretKey() };

it('reads earlier keys as id:key pairs, for secrets not yet re-sealed', () => {
  const [a, b] = [generateSecretKey(), generateSecretKey()];
  expect(readEnv({ ...base }).EVIDENT_SECRET_KEYS_PREVIOUS).toBeUndefined();
  expect(
    readEnv({ ...base, EVIDENT_SECRET_KEYS_PREVIOUS: `k0:${a}, old.1:${b}` }).EVIDENT_SECRET_KEYS_PREVIOUS,
  ).toEqual([
    { id: 'k0', key: a },
    { id: 'old.1', key: b },
  ]);
});

it('refuses a malformed previous key without echoing it', () => {
  const key = generateSecretKey();
  for (const value of [key, `k0:${key.slice(0, 20)}`, `k 0:${key}`]) {
    let message = '';
    try {
      readEnv({ ...base, EVIDENT_SECRET_KEYS_PREVIOUS: value });
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/EVIDENT_SECRET_KEYS_PREVIOUS/);
    expect(message).not.toContain(key.slice(0, 20));
  }
});
