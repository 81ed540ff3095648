import { z } from 'zod';

const ids = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

/** The parts of a Graph `conditionalAccessPolicy` that decide who must use MFA. Unknown fields are ignored. */
export const caPolicy = z.object({
  id: z.string(),
  displayName: z.string().default(''),
  state: z.enum(['enabled', 'disabled', 'enabledForReportingButNotEnforced']).or(z.string()),
  conditions: z.object({
    users: z
      .object({
        includeUsers: ids,
        excludeUsers: ids,
        includeGroups: ids,
        excludeGroups: ids,
        includeRoles: ids,
        excludeRoles: ids,
        includeGuestsOrExternalUsers: z.unknown().nullish(),
        excludeGuestsOrExternalUsers: z.unknown().nullish(),
      })
      .nullish(),
    applications: z.object({ includeApplications: ids, excludeApplications: ids, includeUserActions: ids }).nullish(),
    clientAppTypes: ids,
    locations: z.object({ includeLocations: ids, excludeLocations: ids }).nullish(),
    platforms: z.object({ includePlatforms: ids, excludePlatforms: ids }).nullish(),
    signInRiskLevels: ids,
    userRiskLevels: ids,
    devices: z.object({ deviceFilter: z.unknown().nullish() }).passthrough().nullish(),
  }),
  grantControls: z
    .object({
      operator: z.string().nullish(),
      builtInControls: ids,
      customAuthenticationFactors: ids,
      termsOfUse: ids,
      authenticationStrength: z
        .object({
          id: z.string(),
          displayName: z.string().nullish(),
          allowedCombinations: ids,
        })
        .nullish(),
    })
    .nullish(),
});
export type CaPolicy = z.infer<typeof caPolicy>;

/** Built-in authentication strength ids; `…0004` is Microsoft's "Phishing-resistant MFA". */
export const PHISHING_RESISTANT_STRENGTH = '00000000-0000-0000-0000-000000000004';
const PHISHING_RESISTANT_COMBINATIONS = new Set(['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor']);

export function isPhishingResistantStrength(
  strength: NonNullable<NonNullable<CaPolicy['grantControls']>['authenticationStrength']>,
) {
  if (strength.id === PHISHING_RESISTANT_STRENGTH) return true;
  return (
    strength.allowedCombinations.length > 0 &&
    strength.allowedCombinations.every((c) => PHISHING_RESISTANT_COMBINATIONS.has(c))
  );
}

/** Client app types a modern sign-in uses; a policy limited to fewer leaves those sign-ins unchallenged. */
export const MODERN_CLIENTS = ['browser', 'mobileAppsAndDesktopClients'] as const;
export const LEGACY_CLIENTS = ['exchangeActiveSync', 'other'] as const;
