import { identityFact } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { administers, type DirectoryUser, identityOf, type Role, type RoleBook } from './map.ts';

const stamp = { connection: 'c', observedAt: '2026-11-28T12:00:00.000Z' };
const declared = { breakGlass: new Set<string>(), msp: undefined };
const none: RoleBook = { byUser: new Map(), groupAssigned: false };
const base: DirectoryUser = {
  id: '1',
  primaryEmail: 'a@example.org',
  isAdmin: false,
  isDelegatedAdmin: false,
  isEnrolledIn2Sv: true,
  isEnforcedIn2Sv: true,
  suspended: false,
  archived: false,
};
const of = (u: Partial<DirectoryUser>, book: RoleBook = none) =>
  identityFact.parse(identityOf(stamp, 'users.list', { ...base, ...u }, book, declared));
const role = (privileges: string[], isSuperAdminRole = false): Role => ({
  roleId: 'r',
  roleName: 'Custom',
  isSuperAdminRole,
  privileges,
});

describe('enforcement from the Directory API flags', () => {
  it.each([
    [{ isEnrolledIn2Sv: true, isEnforcedIn2Sv: true }, true, 'enforced_policy'],
    [{ isEnrolledIn2Sv: true, isEnforcedIn2Sv: false }, false, 'registered_not_enforced'],
    [{ isEnrolledIn2Sv: false, isEnforcedIn2Sv: false }, false, 'not_registered'],
    // Enforced but not enrolled: the new-user enrolment period lets a password alone in.
    [{ isEnrolledIn2Sv: false, isEnforcedIn2Sv: true }, 'unknown', 'unknown'],
    [{ isEnforcedIn2Sv: undefined }, 'unknown', 'unknown'],
    [{ isEnrolledIn2Sv: null }, 'unknown', 'unknown'],
  ] as const)('%o → %s (%s)', (flags, enforced, reason) => {
    const f = of(flags);
    expect(f.mfaEnforced).toBe(enforced);
    expect(f.enforcementReason).toBe(reason);
  });

  it('never says a phishing-resistant method is registered or required', () => {
    expect(of({})).toMatchObject({ phishingResistantRegistered: 'unknown', phishingResistantEnforced: 'unknown' });
  });

  it('treats suspended and archived users as unable to sign in', () => {
    expect(of({ suspended: true }).enabled).toBe(false);
    expect(of({ archived: true }).enabled).toBe(false);
    expect(of({ suspended: null }).enabled).toBe(true);
  });
});

describe('privilege', () => {
  const held = (roles: Role[], groupAssigned = false): RoleBook => ({ byUser: new Map([['1', roles]]), groupAssigned });

  it('makes every super admin privileged, roles read or not', () => {
    expect(of({ isAdmin: true }, { byUser: undefined, groupAssigned: false }).privileged).toBe(true);
  });

  it('makes a delegated admin privileged when any role administers', () => {
    expect(of({ isDelegatedAdmin: true }, held([role(['USERS_RETRIEVE']), role(['USERS_UPDATE'])])).privileged).toBe(
      true,
    );
  });

  it('spares a delegated admin whose every role only reads, unless a group may hold more', () => {
    expect(of({ isDelegatedAdmin: true }, held([role(['USERS_RETRIEVE'])])).privileged).toBe(false);
    expect(of({ isDelegatedAdmin: true }, held([role(['USERS_RETRIEVE'])], true)).privileged).toBe('unknown');
  });

  it('is unknown for a delegated admin when roles are unread or none is assigned to them directly', () => {
    expect(of({ isDelegatedAdmin: true }, { byUser: undefined, groupAssigned: false }).privileged).toBe('unknown');
    expect(of({ isDelegatedAdmin: true }, held([])).privileged).toBe('unknown');
  });

  it('counts a privilege it does not know, or a role without privileges, as administering', () => {
    expect(administers(role(['SOMETHING_NEW']))).toBe(true);
    expect(administers(role([]))).toBe(true);
    expect(administers(role(['REPORTS_RETRIEVE', 'USERS_RETRIEVE']))).toBe(false);
    expect(administers(role(['USERS_RETRIEVE'], true))).toBe(true);
  });
});
