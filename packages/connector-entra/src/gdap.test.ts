import { describe, expect, it } from 'vitest';
import { consentReason, type GdapRelationship, gdapWarnings } from './gdap.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const inDays = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();
const rel = (over: Partial<GdapRelationship> = {}): GdapRelationship => ({
  id: 'r1',
  name: 'Contoso managed services',
  status: 'active',
  roles: [{ id: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', name: 'Global Reader' }],
  endDateTime: inDays(200),
  autoExtends: false,
  ...over,
});

describe('GDAP warnings', () => {
  it('warns of an active relationship ending within 30 days unless it renews itself', () => {
    expect(gdapWarnings([rel({ endDateTime: inDays(30) })], NOW)).toEqual([
      'The GDAP relationship “Contoso managed services” ends on 2026-12-28, in 30 days: renew it in Partner Center before delegated access is lost.',
    ]);
    expect(gdapWarnings([rel({ endDateTime: inDays(31) })], NOW)).toEqual([]);
    expect(gdapWarnings([rel({ status: 'expiring', endDateTime: inDays(2) })], NOW)).toEqual([
      expect.stringMatching(/ends on 2026-11-30, in 2 days/),
    ]);
    expect(gdapWarnings([rel({ endDateTime: inDays(5), autoExtends: true })], NOW)).toEqual([]);
  });

  it('warns of Global Administrator granted through GDAP, and of no active relationship', () => {
    const ga = rel({ roles: [{ id: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' }] });
    expect(gdapWarnings([ga], NOW)).toEqual([expect.stringMatching(/grants Global Administrator: least privilege/)]);
    expect(gdapWarnings([rel({ status: 'expired' }), ga], NOW)).toHaveLength(1);
    expect(gdapWarnings([rel({ status: 'expired', roles: ga.roles })], NOW)).toEqual([
      'No active GDAP relationship (“Contoso managed services” is expired): the MSP has no delegated admin access.',
    ]);
  });
});

describe('consent in words', () => {
  it('says why a customer tenant refused the app, keeping the code', () => {
    expect(consentReason('AADSTS7000229: The client application x is missing service principal in the tenant y.')).toBe(
      'the app has no service principal in this tenant: an admin of the customer has not given admin consent (AADSTS7000229)',
    );
    expect(consentReason('AADSTS90002: Tenant nope not found.\nTrace ID: 1')).toMatch(
      /^the tenant was not found: .* \(AADSTS90002\)$/,
    );
    expect(consentReason('AADSTS123456: Something new.\nTrace ID: 1')).toBe('AADSTS123456: Something new.');
  });
});
