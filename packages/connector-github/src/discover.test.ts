import { describe, expect, it } from 'vitest';
import { customerOf, installation } from './discover.ts';

const base = {
  id: 7,
  target_type: 'Organization',
  permissions: { members: 'read', administration: 'read', organization_administration: 'read' },
  suspended_at: null,
  suspended_by: null,
};

describe('an installation as a customer', () => {
  it('an enterprise installation (its account has a slug, no login) is listed as unreachable, saying why', () => {
    const enterprise = installation.parse({
      ...base,
      target_type: 'Enterprise',
      account: { id: 1, slug: 'contoso', name: 'Contoso', html_url: 'https://github.com/enterprises/contoso' },
    });
    const c = customerOf(enterprise);
    expect(c).toMatchObject({ externalId: '7', name: 'Contoso', domains: ['contoso'], connection: { config: {} } });
    expect(!c.reachable.ok && c.reachable.reason).toMatch(
      /installed on the enterprise contoso, not on an organization/,
    );
  });

  it('an installation without an account cannot be read, and names only the custom-roles permission it lacks', () => {
    expect(customerOf(installation.parse({ ...base, account: null })).reachable).toEqual({
      ok: false,
      reason: 'GitHub names no account for installation 7.',
    });
    const org = customerOf(installation.parse({ ...base, account: { login: 'acme', id: 2 } }));
    expect(org.connection).toEqual({ config: { org: 'acme' }, secret: { kind: 'app', installationId: 7 } });
    expect(org.warnings).toEqual([
      expect.stringMatching(/^The installation on acme lacks Custom organization roles: read/),
    ]);
  });
});
