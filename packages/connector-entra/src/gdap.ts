import { z } from 'zod';
import { signInError } from './errors.ts';
import { PRIVILEGED_ROLES } from './roles.ts';

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
/** A relationship that ends this soon is the MSP's to renew now. */
export const ENDING_SOON_DAYS = 30;
const DAY_MS = 86_400_000;
/** Statuses under which the partner's access still works. */
const LIVE = new Set(['active', 'expiring']);

/** `delegatedAdminRelationship` as Graph v1.0 sends it, the parts discovery reads. */
export const delegatedAdminRelationship = z.object({
  id: z.string(),
  displayName: z.string(),
  status: z.string().nullish(),
  customer: z.object({ tenantId: z.string().min(1), displayName: z.string().nullish() }).nullish(),
  accessDetails: z.object({ unifiedRoles: z.array(z.object({ roleDefinitionId: z.string() })) }),
  endDateTime: z.string().nullish(),
  autoExtendDuration: z.string().nullish(),
});

export const delegatedAdminCustomer = z.object({
  tenantId: z.string().min(1),
  displayName: z.string().nullish(),
});

export type DelegatedAdminRelationship = z.infer<typeof delegatedAdminRelationship>;
export type DelegatedAdminCustomer = z.infer<typeof delegatedAdminCustomer>;

/** One GDAP relationship of a discovered customer, in the words the MSP reads them. */
export interface GdapRelationship {
  id: string;
  name: string;
  /** Graph's status: `active`, `expired`, `terminated`, `approvalPending`… */
  status: string;
  roles: { id: string; name: string }[];
  /** ISO time, or null while the relationship is not yet approved. */
  endDateTime: string | null;
  autoExtends: boolean;
}

export function relationshipOf(r: DelegatedAdminRelationship): GdapRelationship {
  return {
    id: r.id,
    name: r.displayName,
    status: r.status ?? 'unknown',
    roles: r.accessDetails.unifiedRoles.map(({ roleDefinitionId: id }) => ({
      id,
      name: PRIVILEGED_ROLES[id] ?? id,
    })),
    endDateTime: r.endDateTime ?? null,
    // `PT0S` (or nothing) is Partner Center's "never".
    autoExtends: /[1-9]/.test(r.autoExtendDuration ?? ''),
  };
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * What the MSP should know about a customer's GDAP, in words: no active relationship; one ending within
 * {@link ENDING_SOON_DAYS} days that does not renew itself; Global Administrator granted (least privilege).
 */
export function gdapWarnings(relationships: readonly GdapRelationship[], now: Date): string[] {
  const warnings: string[] = [];
  const active = relationships.filter((r) => LIVE.has(r.status));
  if (active.length === 0) {
    const states = relationships.map((r) => `“${r.name}” is ${r.status}`).join('; ');
    warnings.push(`No active GDAP relationship${states ? ` (${states})` : ''}: the MSP has no delegated admin access.`);
  }
  for (const r of active) {
    if (r.endDateTime && !r.autoExtends) {
      const days = Math.ceil((Date.parse(r.endDateTime) - now.getTime()) / DAY_MS);
      if (days <= ENDING_SOON_DAYS)
        warnings.push(
          `The GDAP relationship “${r.name}” ends on ${day(r.endDateTime)}, in ${days} day${days === 1 ? '' : 's'}: renew it in Partner Center before delegated access is lost.`,
        );
    }
    if (r.roles.some((role) => role.id === GLOBAL_ADMINISTRATOR))
      warnings.push(
        `The GDAP relationship “${r.name}” grants Global Administrator: least privilege asks for narrower roles, and such a relationship cannot auto-extend.`,
      );
  }
  return warnings;
}

/** Why the MSP's app cannot get a token for a customer tenant, in words, from the identity platform's code. */
export function consentReason(message: string): string {
  const code = /AADSTS(\d+)/.exec(message)?.[1];
  const words: Record<string, string> = {
    '7000229': 'the app has no service principal in this tenant: an admin of the customer has not given admin consent',
    '700016': 'the app is not known in this tenant: an admin of the customer has not given admin consent',
    '65001': 'admin consent has not been given for the app’s permissions in this tenant',
    '90002': 'the tenant was not found: it may have been deleted, or the id is wrong',
    '7000215': 'the client secret was refused',
    '700027': 'the certificate was refused: it is not the one registered on the app',
    '700024': 'the client assertion was refused as outside its valid time: check the clock',
    '50020': 'the tenant does not allow the app in',
  };
  // MSAL reads the 400 `invalid_tenant` of OpenID discovery as endpoints it cannot resolve.
  if (!code && /endpoints_resolution_error/.test(message))
    return 'the tenant was not found: its sign-in endpoints do not resolve (AADSTS90002)';
  const said = code ? words[code] : undefined;
  return said ? `${said} (AADSTS${code})` : signInError(message).slice(0, 300);
}
