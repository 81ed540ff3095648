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

it('takes the dashboard origin alert links point to, and refuses one that is not http(s)', () => {
  expect(readEnv(base).PUBLIC_ORIGIN).toBeUndefined();
  expect(readEnv({ ...base, PUBLIC_ORIGIN: 'https://evident.example.com' }).PUBLIC_ORIGIN).toBe(
    'https://evident.example.com',
  );
  expect(() => readEnv({ ...base, PUBLIC_ORIGIN: 'javascript:alert(1)' })).toThrow(/PUBLIC_ORIGIN/);
});
