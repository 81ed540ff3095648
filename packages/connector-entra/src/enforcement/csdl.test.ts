import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLE_RULE_TYPES } from '../collect/activation.ts';
import { CONFIGURATION_PROPERTIES } from '../collect/cross-tenant.ts';
import { APPLICATION_PROPERTIES, CONDITION_CLASSES } from './conditions.ts';
import { GRANT_PROPERTIES } from './grant.ts';
import { USER_PROPERTIES } from './reach.ts';

/** Microsoft's published Graph v1.0 CSDL (the selected types), from the repository's shared references. */
const CSDL = resolve(
  import.meta.dirname,
  '../../../../../shared/reference/schemas/msgraph/msgraph-v1.0-selected-types.csdl.xml',
);

function propertiesOf(xml: string, type: string): string[] {
  const block = new RegExp(`<ComplexType Name="${type}"[^>]*>([\\s\\S]*?)</ComplexType>`).exec(xml);
  if (!block) throw new Error(`the CSDL does not define ${type}`);
  return [...block[1]!.matchAll(/<(?:Navigation)?Property Name="([^"]+)"/g)].map((m) => m[1]!);
}

const CLASSIFIED: Record<string, readonly string[]> = {
  conditionalAccessConditionSet: Object.keys(CONDITION_CLASSES),
  conditionalAccessUsers: USER_PROPERTIES,
  conditionalAccessApplications: APPLICATION_PROPERTIES,
  conditionalAccessGrantControls: GRANT_PROPERTIES,
};

describe('every property Graph defines is classified by the resolver', () => {
  const xml = readFileSync(CSDL, 'utf8');
  it.each(Object.entries(CLASSIFIED))('%s', (type, classified) => {
    const properties = propertiesOf(xml, type);
    expect(properties.length).toBeGreaterThan(0);
    expect(properties.filter((p) => !classified.includes(p))).toEqual([]);
  });
});

const ROLES_CSDL = resolve(
  import.meta.dirname,
  '../../../../../shared/reference/schemas/msgraph/msgraph-v1.0-roles-crosstenant-gdap-audit.csdl.xml',
);

function entityProperties(xml: string, type: string): string[] {
  const block = new RegExp(`<EntityType Name="${type}"[^>]*>([\\s\\S]*?)</EntityType>`).exec(xml);
  if (!block) throw new Error(`the CSDL does not define ${type}`);
  return [...block[1]!.matchAll(/<(?:Navigation)?Property Name="([^"]+)"/g)].map((m) => m[1]!);
}

describe("PIM's activation rules", () => {
  const xml = readFileSync(ROLES_CSDL, 'utf8');
  it('every rule type Graph derives from unifiedRoleManagementPolicyRule is classified', () => {
    const derived = [...xml.matchAll(/<EntityType Name="([^"]+)" BaseType="graph\.unifiedRoleManagementPolicyRule"/g)];
    expect(derived.length).toBeGreaterThan(0);
    expect(derived.map((m) => m[1]!).filter((t) => !(t in ROLE_RULE_TYPES))).toEqual([]);
  });
  it('the properties the rules are read by exist', () => {
    expect(entityProperties(xml, 'unifiedRoleManagementPolicyEnablementRule')).toContain('enabledRules');
    expect(entityProperties(xml, 'unifiedRoleManagementPolicyAuthenticationContextRule')).toEqual(
      expect.arrayContaining(['claimValue', 'isEnabled']),
    );
    expect(entityProperties(xml, 'unifiedRoleManagementPolicy')).toContain('rules');
    expect(propertiesOf(xml, 'unifiedRoleManagementPolicyRuleTarget')).toEqual(
      expect.arrayContaining(['caller', 'level']),
    );
  });
});

describe('cross-tenant access configurations', () => {
  const xml = readFileSync(ROLES_CSDL, 'utf8');
  it.each(['crossTenantAccessPolicyConfigurationDefault', 'crossTenantAccessPolicyConfigurationPartner'])(
    'every property of %s is classified',
    (type) => {
      const block = new RegExp(
        `<(?:Entity|Complex)Type Name="${type}"[^>]*>([\\s\\S]*?)</(?:Entity|Complex)Type>`,
      ).exec(xml);
      const properties = [...block![1]!.matchAll(/<(?:Navigation)?Property Name="([^"]+)"/g)].map((m) => m[1]!);
      expect(properties.length).toBeGreaterThan(0);
      expect(properties.filter((p) => !(p in CONFIGURATION_PROPERTIES))).toEqual([]);
    },
  );
  it('the policy holds a default and partners, and the trust and B2B settings their read properties', () => {
    expect(entityProperties(xml, 'crossTenantAccessPolicy')).toEqual(expect.arrayContaining(['default', 'partners']));
    expect(propertiesOf(xml, 'crossTenantAccessPolicyInboundTrust')).toContain('isMfaAccepted');
    expect(propertiesOf(xml, 'crossTenantAccessPolicyB2BSetting')).toEqual(['applications', 'usersAndGroups']);
  });
});
