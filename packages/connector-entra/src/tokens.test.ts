import type { AccessToken, GetTokenOptions } from '@azure/identity';
import { expect, it } from 'vitest';
import { sharedTokens } from './client.ts';

const MINUTE = 60_000;

function counting(lifetimeMs: () => number) {
  const asked: { scopes: string | string[]; options: GetTokenOptions | undefined }[] = [];
  return {
    asked,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      asked.push({ scopes, options });
      return { token: `t${asked.length}`, expiresOnTimestamp: Date.now() + lifetimeMs(), tokenType: 'Bearer' };
    },
  };
}

it('serves calls side by side and after from one token per scope while it is fresh', async () => {
  const credential = counting(() => 60 * MINUTE);
  const tokens = sharedTokens(credential);
  const first = await Promise.all([tokens.getToken('graph'), tokens.getToken('graph'), tokens.getToken('arm')]);
  expect(first.map((t) => t.token)).toEqual(['t1', 't1', 't2']);
  expect((await tokens.getToken('graph')).token).toBe('t1');
  expect((await tokens.getToken(['arm'])).token).toBe('t2');
  expect(credential.asked).toHaveLength(2);
});

it('asks again for a token due for renewal, and for a claims challenge', async () => {
  let lifetime = 4 * MINUTE;
  const credential = counting(() => lifetime);
  const tokens = sharedTokens(credential);
  expect((await tokens.getToken('graph')).token).toBe('t1');
  // Within five minutes of expiry, as MSAL renews.
  lifetime = 60 * MINUTE;
  expect((await tokens.getToken('graph')).token).toBe('t2');
  expect((await tokens.getToken('graph')).token).toBe('t2');
  expect((await tokens.getToken('graph', { claims: '{"access_token":{}}' })).token).toBe('t3');
  expect(credential.asked).toHaveLength(3);
});

it('asks again once the token says to refresh it', async () => {
  const asked: string[] = [];
  const tokens = sharedTokens({
    async getToken() {
      asked.push('x');
      return {
        token: `t${asked.length}`,
        expiresOnTimestamp: Date.now() + 60 * MINUTE,
        refreshAfterTimestamp: Date.now() - 1,
        tokenType: 'Bearer',
      };
    },
  });
  await tokens.getToken('graph');
  expect((await tokens.getToken('graph')).token).toBe('t2');
});
