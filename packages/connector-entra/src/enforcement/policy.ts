import { z } from 'zod';

const ids = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

/** A `conditionalAccessFilter`: a device, application or service-principal rule. */
const filter = z.looseObject({ mode: z.string().nullish(), rule: z.string().nullish() }).nullish();

/** `includeGuestsOrExternalUsers`: guest types (a flags string) and the tenants they come from. */
export const guestsOrExternal = z
  .looseObject({
    guestOrExternalUserTypes: z.string().nullish(),
    externalTenants: z
      .looseObject({
        '@odata.type': z.string().optional(),
        membershipKind: z.string().nullish(),
        members: ids,
      })
      .nullish(),
  })
  .nullish();
export type GuestsOrExternal = NonNullable<z.infer<typeof guestsOrExternal>>;

/**
 * A Graph `conditionalAccessPolicy`. Objects keep properties they do not declare, so the resolver can refuse to
 * read a policy as covering everyone when it carries a condition it does not understand.
 */
export const caPolicy = z.object({
  id: z.string(),
  displayName: z.string().default(''),
  state: z.enum(['enabled', 'disabled', 'enabledForReportingButNotEnforced']).or(z.string()),
  conditions: z.looseObject({
    users: z
      .looseObject({
        includeUsers: ids,
        excludeUsers: ids,
        includeGroups: ids,
        excludeGroups: ids,
        includeRoles: ids,
        excludeRoles: ids,
        includeGuestsOrExternalUsers: guestsOrExternal,
        excludeGuestsOrExternalUsers: guestsOrExternal,
      })
      .nullish(),
    applications: z
      .looseObject({
        includeApplications: ids,
        excludeApplications: ids,
        includeUserActions: ids,
        includeAuthenticationContextClassReferences: ids,
        applicationFilter: filter,
      })
      .nullish(),
    authenticationFlows: z.looseObject({ transferMethods: z.string().nullish() }).nullish(),
    clientApplications: z
      .looseObject({ includeServicePrincipals: ids, excludeServicePrincipals: ids, servicePrincipalFilter: filter })
      .nullish(),
    clientAppTypes: ids,
    devices: z.looseObject({ deviceFilter: filter }).nullish(),
    insiderRiskLevels: z.string().nullish(),
    locations: z.looseObject({ includeLocations: ids, excludeLocations: ids }).nullish(),
    platforms: z.looseObject({ includePlatforms: ids, excludePlatforms: ids }).nullish(),
    servicePrincipalRiskLevels: ids,
    signInRiskLevels: ids,
    userRiskLevels: ids,
  }),
  grantControls: z
    .looseObject({
      operator: z.string().nullish(),
      builtInControls: ids,
      customAuthenticationFactors: ids,
      termsOfUse: ids,
      authenticationStrength: z
        .looseObject({
          id: z.string(),
          displayName: z.string().nullish(),
          requirementsSatisfied: z.string().nullish(),
          allowedCombinations: ids,
        })
        .nullish(),
    })
    .nullish(),
});
export type CaPolicy = z.infer<typeof caPolicy>;
export type Strength = NonNullable<NonNullable<CaPolicy['grantControls']>['authenticationStrength']>;
