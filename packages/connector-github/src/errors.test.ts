import { ConnectorError, remedyFor } from '@evident/connector-kit';
import { RequestError } from '@octokit/request-error';
import { describe, expect, it } from 'vitest';
import { type Endpoint, toConnectorError } from './errors.ts';

const NOW = Date.parse('2026-11-01T12:00:00Z');

function httpError(status: number, message: string, headers: Record<string, string> = {}) {
  return new RequestError(message, status, {
    request: { method: 'GET', url: 'https://api.github.com/x', headers: {} },
    response: { status, url: 'https://api.github.com/x', headers, data: { message } },
  });
}

interface Case {
  name: string;
  error: unknown;
  endpoint?: Endpoint;
  owner?: boolean;
  code: ConnectorError['code'];
  permission?: string;
  licence?: string;
  retryAfterMs?: number;
  message?: RegExp;
}

const reset = String(NOW / 1000 + 90);
const cases: Case[] = [
  { name: '401 is an authentication failure', error: httpError(401, 'Bad credentials'), code: 'auth_failed' },
  {
    name: 'primary limit: 403 with no requests left, wait until the reset',
    error: httpError(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
    endpoint: 'members',
    code: 'throttled',
    retryAfterMs: 90_000,
  },
  {
    name: 'secondary limit: 403 with the message, wait what Retry-After says',
    error: httpError(403, 'You have exceeded a secondary rate limit.', { 'retry-after': '30' }),
    endpoint: 'audit_log',
    code: 'throttled',
    retryAfterMs: 30_000,
  },
  { name: 'a bare 429 is throttling too', error: httpError(429, 'Too Many Requests'), code: 'throttled' },
  {
    name: 'SAML SSO: names the SSO authorization, not a scope',
    error: httpError(403, 'Resource protected by organization SAML enforcement.', {
      'x-github-sso': 'required; url=https://github.com/orgs/o/sso?authorization_request=abc',
    }),
    endpoint: 'members',
    code: 'permission_missing',
    permission: 'SAML SSO authorization of the token',
  },
  {
    name: 'owner-only filter: 422 names the owner role',
    error: httpError(422, 'Only owners can use this filter.'),
    endpoint: 'members_2fa',
    code: 'permission_missing',
    permission: 'organization owner',
  },
  {
    name: 'a 422 elsewhere is a provider error',
    error: httpError(422, 'Validation Failed'),
    endpoint: 'members',
    code: 'provider_error',
  },
  {
    name: 'audit log refused to a classic token: read:audit_log',
    error: httpError(403, 'Must have admin rights to Repository.'),
    endpoint: 'audit_log',
    code: 'permission_missing',
    permission: 'read:audit_log',
  },
  {
    name: 'audit log refused to an App token: its permission',
    error: httpError(403, 'Resource not accessible by integration'),
    endpoint: 'audit_log',
    code: 'permission_missing',
    permission: 'administration:read',
  },
  {
    name: 'GitHub names the permission it wanted when it says',
    error: httpError(403, 'Resource not accessible by integration', {
      'x-accepted-github-permissions': 'members=read',
    }),
    endpoint: 'members',
    code: 'permission_missing',
    permission: 'members:read',
  },
  {
    name: 'audit log 404: the plan',
    error: httpError(404, 'Not Found'),
    endpoint: 'audit_log',
    code: 'licence_required',
    licence: 'GitHub Enterprise Cloud',
  },
  {
    name: 'audit log 404 to a token already shown not to be an owner: the owner role',
    error: httpError(404, 'Not Found'),
    endpoint: 'audit_log',
    owner: false,
    code: 'permission_missing',
    permission: 'organization owner',
  },
  {
    name: 'streams 404: the plan (or the slug)',
    error: httpError(404, 'Not Found'),
    endpoint: 'streams',
    code: 'licence_required',
    licence: 'GitHub Enterprise Cloud',
    message: /slug/,
  },
  {
    name: 'member list 404: hidden from the token',
    error: httpError(404, 'Not Found'),
    endpoint: 'owners',
    code: 'permission_missing',
    permission: 'read:org',
  },
  {
    name: 'org 404: not found or not visible',
    error: httpError(404, 'Not Found'),
    endpoint: 'org',
    code: 'permission_missing',
    permission: 'read:org',
    message: /misspelled/,
  },
  { name: 'a 404 without a rule is a provider error', error: httpError(404, 'Not Found'), code: 'provider_error' },
  {
    name: '5xx with a response: GitHub failed',
    error: httpError(503, 'Service Unavailable'),
    code: 'provider_error',
    message: /failed to answer/,
  },
  {
    name: 'a network failure (500 without response): unreachable',
    error: new RequestError('other side closed', 500, { request: { method: 'GET', url: 'x', headers: {} } }),
    code: 'provider_error',
    message: /could not be reached/,
  },
  {
    name: 'cancellation',
    error: Object.assign(new Error('This operation was aborted'), { name: 'AbortError', status: 500 }),
    code: 'provider_error',
    message: /cancelled/,
  },
  { name: 'anything else', error: new TypeError('boom'), code: 'provider_error', message: /boom/ },
];

describe('toConnectorError', () => {
  it.each(cases)('$name', (c) => {
    const e = toConnectorError(c.error, c.endpoint, { now: NOW, ...(c.owner === undefined ? {} : { owner: c.owner }) });
    expect(e.code).toBe(c.code);
    expect(e.details.permission).toBe(c.permission);
    expect(e.details.licence).toBe(c.licence);
    expect(e.details.retryAfterMs).toBe(c.retryAfterMs);
    if (c.message) expect(e.message).toMatch(c.message);
  });

  it('keeps a ConnectorError as it is', () => {
    const e = new ConnectorError('not_supported', 'no');
    expect(toConnectorError(e, 'members')).toBe(e);
  });

  it('gives remedies that name what to grant, and the SSO link', () => {
    expect(remedyFor(toConnectorError(httpError(422, 'Only owners can use this filter.'), 'members_2fa'))).toMatch(
      /organization owner/,
    );
    const sso = httpError(403, 'SAML', { 'x-github-sso': 'required; url=https://github.com/orgs/o/sso' });
    expect(remedyFor(toConnectorError(sso, 'members'))).toMatch('https://github.com/orgs/o/sso');
  });
});
