import type { ENTRA_ROLES } from '../../scenario/schema.ts';

export type EntraRole = (typeof ENTRA_ROLES)[number];

export interface DirectoryRoleTemplate {
  displayName: string;
  templateId: string;
  /** Counted among the roles a "require MFA for administrators" policy targets. */
  admin: boolean;
}

/** Built-in Entra roles by template id, from Microsoft's permissions reference. */
export const DIRECTORY_ROLE_TEMPLATES = [
  { displayName: 'Global Administrator', templateId: '62e90394-69f5-4237-9190-012177145e10', admin: true },
  { displayName: 'Privileged Role Administrator', templateId: 'e8611ab8-c189-46e8-94e1-60213ab1f814', admin: true },
  {
    displayName: 'Privileged Authentication Administrator',
    templateId: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
    admin: true,
  },
  { displayName: 'Security Administrator', templateId: '194ae4cb-b126-40b2-bd5b-6091b380977d', admin: true },
  { displayName: 'Conditional Access Administrator', templateId: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', admin: true },
  { displayName: 'Authentication Administrator', templateId: 'c4e39bd9-1100-46d3-8c65-fb160da0071f', admin: true },
  { displayName: 'Application Administrator', templateId: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', admin: true },
  { displayName: 'Cloud Application Administrator', templateId: '158c047a-c907-4556-b7ef-446551a6b5f7', admin: true },
  { displayName: 'User Administrator', templateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1', admin: true },
  { displayName: 'Exchange Administrator', templateId: '29232cdf-9323-42fd-ade2-1d097af3e4de', admin: true },
  { displayName: 'SharePoint Administrator', templateId: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', admin: true },
  { displayName: 'Helpdesk Administrator', templateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8', admin: true },
  { displayName: 'Password Administrator', templateId: '966707d0-3269-4727-9be2-8c3a10f19b9d', admin: true },
  { displayName: 'Billing Administrator', templateId: 'b0f54661-2d74-4c50-afa3-1ec803f12efe', admin: true },
  { displayName: 'Hybrid Identity Administrator', templateId: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', admin: false },
  { displayName: 'Intune Administrator', templateId: '3a2c62db-5318-420d-8d74-23affee5d9d5', admin: false },
  {
    displayName: 'Authentication Policy Administrator',
    templateId: '0526716b-113d-4c15-b2c8-68e3c22b9f80',
    admin: false,
  },
  { displayName: 'Global Reader', templateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', admin: false },
  { displayName: 'Security Reader', templateId: '5d6b6bb7-de71-4623-b4af-96380a352509', admin: false },
  { displayName: 'Reports Reader', templateId: '4a5d8f65-41da-4de4-8968-e035b65339cf', admin: false },
] as const satisfies readonly DirectoryRoleTemplate[];

/** The scenario's role names mapped to Microsoft's role template ids (equal to the built-in role definition ids). */
export const ROLE_TEMPLATE_IDS = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  conditionalAccessAdministrator: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  exchangeAdministrator: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
} as const satisfies Record<EntraRole, string>;

/**
 * The roles Microsoft's "Require MFA for administrators" template targets. Global Reader is deliberately not one:
 * a policy scoped to these roles leaves a Global Reader unchallenged.
 */
export const ADMIN_ROLE_TEMPLATE_IDS: readonly string[] = DIRECTORY_ROLE_TEMPLATES.filter((r) => r.admin).map(
  (r) => r.templateId,
);

export function roleDisplayName(templateId: string): string {
  return DIRECTORY_ROLE_TEMPLATES.find((r) => r.templateId === templateId)?.displayName ?? templateId;
}

/** A scenario's role reference: a role's name in the simulator, or a (custom) role definition id as it stands. */
export function roleDefinitionIdOf(role: string): string {
  return (ROLE_TEMPLATE_IDS as Record<string, string>)[role] ?? role;
}

/**
 * Built-in roles Microsoft marks privileged (`isPrivileged`): every administrator here, none of the readers. The
 * connector's documented fallback list says the same, so a tenant whose definitions are read judges as before.
 */
export function isPrivilegedTemplate(templateId: string): boolean {
  const role = DIRECTORY_ROLE_TEMPLATES.find((r) => r.templateId === templateId);
  return role !== undefined && !role.displayName.endsWith('Reader');
}
