import type { FactInput } from '@evident/core';

const OBSERVED = '2026-11-01T00:00:00.000Z';

export function identity(connection: string, i: number, observedAt = OBSERVED): FactInput {
  return {
    type: 'identity',
    connection,
    provider: 'github',
    source: 'GET /orgs/{org}/members',
    observedAt,
    subject: `u${i}`,
    name: `user${i}@contoso.example`,
    kind: 'human',
    enabled: true,
    privileged: i % 10 === 0,
    mfaRegistered: i % 3 !== 0,
    phishingResistantRegistered: 'unknown',
    mfaEnforced: i % 3 !== 0,
    enforcementSource: 'org_requirement',
    enforcementReason: i % 3 !== 0 ? 'enforced_org_requirement' : 'not_registered',
  };
}

export function gap(connection: string): FactInput {
  return {
    type: 'gap',
    connection,
    provider: 'github',
    source: 'GET /orgs/{org}/audit-log',
    observedAt: OBSERVED,
    code: 'permission_missing',
    covers: ['logSource.git'],
    message: 'the token cannot read the audit log',
    remedy: 'grant read:audit_log',
  };
}

export function* identities(connection: string, count: number): Generator<FactInput> {
  for (let i = 0; i < count; i++) yield identity(connection, i);
}
