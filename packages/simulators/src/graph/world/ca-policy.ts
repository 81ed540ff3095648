/** The conditional-access policy and authentication strengths as Graph returns them. */

export interface AuthenticationStrength {
  id: string;
  createdDateTime: string;
  modifiedDateTime: string;
  displayName: string;
  description: string;
  policyType: 'builtIn' | 'custom';
  requirementsSatisfied: 'mfa' | 'none';
  allowedCombinations: string[];
}

/** `conditionalAccessGuestsOrExternalUsers`: guest kinds (a flags string) from all or listed tenants. */
export interface GuestsOrExternalUsers {
  guestOrExternalUserTypes: string;
  externalTenants: { '@odata.type': string; membershipKind: 'all' } | null;
}

/** A `microsoft.graph.conditionalAccessPolicy` as the list endpoint returns it. */
export interface ConditionalAccessPolicy {
  id: string;
  templateId: null;
  displayName: string;
  createdDateTime: string;
  modifiedDateTime: string;
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  sessionControls: null;
  conditions: {
    userRiskLevels: string[];
    signInRiskLevels: string[];
    clientAppTypes: string[];
    servicePrincipalRiskLevels: string[];
    insiderRiskLevels: string | null;
    platforms: null;
    devices: null;
    clientApplications: {
      includeServicePrincipals: string[];
      excludeServicePrincipals: string[];
      servicePrincipalFilter: null;
    } | null;
    authenticationFlows: { transferMethods: string } | null;
    locations: { includeLocations: string[]; excludeLocations: string[] } | null;
    applications: {
      includeApplications: string[];
      excludeApplications: string[];
      includeUserActions: string[];
      includeAuthenticationContextClassReferences: string[];
      applicationFilter: null;
    };
    users: {
      includeUsers: string[];
      excludeUsers: string[];
      includeGroups: string[];
      excludeGroups: string[];
      includeRoles: string[];
      excludeRoles: string[];
      includeGuestsOrExternalUsers: GuestsOrExternalUsers | null;
      excludeGuestsOrExternalUsers: null;
    };
  };
  grantControls: {
    operator: 'AND' | 'OR';
    builtInControls: string[];
    customAuthenticationFactors: string[];
    termsOfUse: string[];
    authenticationStrength: AuthenticationStrength | null;
  };
}

export const PHISHING_RESISTANT_STRENGTH: AuthenticationStrength = {
  id: '00000000-0000-0000-0000-000000000004',
  createdDateTime: '2021-12-01T08:00:00Z',
  modifiedDateTime: '2021-12-01T08:00:00Z',
  displayName: 'Phishing-resistant MFA',
  description:
    'Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
  policyType: 'builtIn',
  requirementsSatisfied: 'mfa',
  allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
};

/** A custom strength that lets a user in with an SMS code alone: named MFA, single-factor in fact. */
export const WEAK_CUSTOM_STRENGTH: AuthenticationStrength = {
  id: '7d1c3b6e-5a1f-4e1b-9a55-3f0c2d0c9e11',
  createdDateTime: '2025-03-01T08:00:00Z',
  modifiedDateTime: '2025-03-01T08:00:00Z',
  displayName: 'MFA (any method)',
  description: 'Authenticator push after a password, or an SMS sign-in code',
  policyType: 'custom',
  requirementsSatisfied: 'mfa',
  allowedCombinations: ['password,microsoftAuthenticatorPush', 'sms'],
};
