import { describe, expect, it } from 'vitest';
import { CsdlSchema } from './csdl-schema.ts';

const csdl = CsdlSchema.load();

const row = {
  id: '8646-54c6',
  userPrincipalName: 'alexw@contoso.com',
  userDisplayName: 'Alex Wilber',
  userType: 'member',
  isAdmin: false,
  isMfaRegistered: true,
  isMfaCapable: true,
  isPasswordlessCapable: false,
  isSsprRegistered: false,
  isSsprEnabled: false,
  isSsprCapable: false,
  methodsRegistered: ['microsoftAuthenticatorPush'],
  userPreferredMethodForSecondaryAuthentication: 'push',
  lastUpdatedDateTime: '2023-03-13T19:15:41.6195833Z',
};

describe('CSDL to JSON Schema', () => {
  it('accepts Microsoft’s documented registration-details row', () => {
    expect(csdl.validateCollection('userRegistrationDetails', { '@odata.context': 'x', value: [row] })).toEqual([]);
  });

  it('rejects a wrong type, a wrong enum member, a null where not nullable, and an unknown property', () => {
    expect(csdl.validateEntity('userRegistrationDetails', { ...row, isMfaRegistered: 'yes' })).toEqual([
      '/isMfaRegistered must be boolean',
    ]);
    expect(csdl.validateEntity('userRegistrationDetails', { ...row, userType: 'Member' })).not.toEqual([]);
    expect(csdl.validateEntity('userRegistrationDetails', { ...row, isMfaCapable: null })).not.toEqual([]);
    expect(csdl.validateEntity('userRegistrationDetails', { ...row, defaultMfaMethod: 'push' })).toEqual([
      '/ must NOT have additional properties',
    ]);
    expect(csdl.validateEntity('userRegistrationDetails', { ...row, lastUpdatedDateTime: 'yesterday' })).not.toEqual(
      [],
    );
  });

  it('takes properties from base types and keeps open types open', () => {
    expect(
      csdl.validateEntity('identitySecurityDefaultsEnforcementPolicy', { id: 'x', displayName: 'd', isEnabled: true }),
    ).toEqual([]);
    expect(csdl.validateEntity('identitySecurityDefaultsEnforcementPolicy', { id: 'x', isEnabled: 'no' })).not.toEqual(
      [],
    );
    expect(
      csdl.validateEntity('directoryObject', { '@odata.type': '#microsoft.graph.user', id: 'u', accountEnabled: true }),
    ).toEqual([]);
    expect(csdl.validateEntity('directoryObject', { id: 1 })).not.toEqual([]);
  });

  it('checks nested complex types, collections of enums, flags and derived types', () => {
    const policy = (conditions: object) => ({ id: 'p', displayName: 'P', state: 'enabled', conditions });
    expect(csdl.validateEntity('conditionalAccessPolicy', policy({ clientAppTypes: ['browser', 'other'] }))).toEqual(
      [],
    );
    expect(csdl.validateEntity('conditionalAccessPolicy', policy({ clientAppTypes: ['legacy'] }))).not.toEqual([]);
    const guests = (kinds: string) =>
      policy({ users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: kinds } } });
    expect(csdl.validateEntity('conditionalAccessPolicy', guests('internalGuest,b2bCollaborationGuest'))).toEqual([]);
    expect(csdl.validateEntity('conditionalAccessPolicy', guests('everyone'))).not.toEqual([]);
    const tenants = (externalTenants: object) =>
      policy({ users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'none', externalTenants } } });
    expect(
      csdl.validateEntity('conditionalAccessPolicy', tenants({ membershipKind: 'enumerated', members: ['t1'] })),
    ).toEqual([]);
    expect(
      csdl.validateEntity('conditionalAccessPolicy', tenants({ membershipKind: 'all', colour: 'red' })),
    ).not.toEqual([]);
  });

  it('requires the collection envelope', () => {
    expect(csdl.validateCollection('unifiedRoleAssignment', { value: {} })).not.toEqual([]);
    expect(
      csdl.validateCollection('unifiedRoleAssignment', { '@odata.context': 'x', value: [], extra: 1 }),
    ).not.toEqual([]);
  });
});
