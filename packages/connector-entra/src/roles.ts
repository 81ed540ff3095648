/**
 * Directory roles treated as privileged, by template id (Microsoft's permissions reference). A user holding any of
 * them, directly or through a role-assignable group, is privileged for MFA-02 and MFA-05.
 */
export const PRIVILEGED_ROLES: Record<string, string> = {
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': 'Privileged Authentication Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': 'Conditional Access Administrator',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': 'Authentication Administrator',
  '0526716b-113d-4c15-b2c8-68e3c22b9f80': 'Authentication Policy Administrator',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': 'SharePoint Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2': 'Hybrid Identity Administrator',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'Helpdesk Administrator',
  '966707d0-3269-4727-9be2-8c3a10f19b9d': 'Password Administrator',
  '3a2c62db-5318-420d-8d74-23affee5d9d5': 'Intune Administrator',
  'b0f54661-2d74-4c50-afa3-1ec803f12efe': 'Billing Administrator',
};

/**
 * Roles whose holders security defaults challenge on every sign-in (Microsoft's security-defaults reference);
 * everyone else is challenged only when Entra judges it necessary.
 */
export const SECURITY_DEFAULTS_ADMIN_ROLES: ReadonlySet<string> = new Set([
  '62e90394-69f5-4237-9190-012177145e10',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  '0526716b-113d-4c15-b2c8-68e3c22b9f80',
  'b0f54661-2d74-4c50-afa3-1ec803f12efe',
  '158c047a-c907-4556-b7ef-446551a6b5f7',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  '29232cdf-9323-42fd-ade2-1d097af3e4de',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  '45d8d3c5-c802-45c6-b32a-1d70b5e1e86e',
  '966707d0-3269-4727-9be2-8c3a10f19b9d',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  'e8611ab8-c189-46e8-94e1-60213ab1f814',
  '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  'fe930be7-5e62-47db-91af-98c3a49a38b1',
]);

/** Readers are not privileged, but a policy may include them; their names make facts readable. */
export const OTHER_ROLES: Record<string, string> = {
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': 'Global Reader',
  '5d6b6bb7-de71-4623-b4af-96380a352509': 'Security Reader',
  '4a5d8f65-41da-4de4-8968-e035b65339cf': 'Reports Reader',
};

export function roleName(templateId: string): string {
  return PRIVILEGED_ROLES[templateId] ?? OTHER_ROLES[templateId] ?? templateId;
}

/**
 * Methods that resist phishing, lower-cased, in every spelling `methodsRegistered` uses: FIDO2 keys (`fido2`,
 * `fido2SecurityKey`), the `passKey…` family, Windows Hello for Business, platform keys, certificate-based MFA.
 */
const PHISHING_RESISTANT = new Set([
  'fido2',
  'fido2securitykey',
  'windowshelloforbusiness',
  'macossecureenclavekey',
  'x509certificatemultifactor',
]);

export function isPhishingResistantMethod(method: string): boolean {
  const m = method.toLowerCase();
  return PHISHING_RESISTANT.has(m) || m.startsWith('passkey');
}

/** Methods that prove a second factor by themselves or beside a password; security questions and e-mail do not. */
const SECOND_FACTOR = new Set([
  'mobilephone',
  'alternatemobilephone',
  'officephone',
  'microsoftauthenticatorpush',
  'microsoftauthenticatorpasswordless',
  'softwareonetimepasscode',
  'hardwareonetimepasscode',
  'temporaryaccesspass',
]);

export function isMfaMethod(method: string): boolean {
  return isPhishingResistantMethod(method) || SECOND_FACTOR.has(method.toLowerCase());
}
