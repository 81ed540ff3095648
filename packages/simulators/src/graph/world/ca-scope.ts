import type { ConditionalAccessPolicy } from './ca-policy.ts';
import type { DirectoryUser } from './users.ts';

/** Sign-in log client names mapped to the policy's `clientAppTypes` values. */
const CLIENT_APP_TYPES: Record<string, string> = {
  Browser: 'browser',
  'Mobile Apps and Desktop clients': 'mobileAppsAndDesktopClients',
  'Exchange ActiveSync': 'exchangeActiveSync',
  IMAP4: 'other',
};

export type PolicyResult =
  | 'success'
  | 'failure'
  | 'notApplied'
  | 'notEnabled'
  | 'reportOnlySuccess'
  | 'reportOnlyFailure'
  | 'reportOnlyNotApplied';

/**
 * What one policy did to one sign-in, as the sign-in log reports it. Users, groups (through nesting), roles and client
 * app types decide whether it applies; locations are treated as matching (the logged addresses are never trusted).
 */
export function policyResult(
  p: ConditionalAccessPolicy,
  user: DirectoryUser,
  clientAppUsed: string,
  inGroup: (groupId: string, userIndex: number) => boolean,
): PolicyResult {
  if (p.state === 'disabled') return 'notEnabled';
  const reportOnly = p.state === 'enabledForReportingButNotEnforced';
  const u = p.conditions.users;
  const member = (groups: string[]) => groups.some((g) => inGroup(g, user.index));
  const holds = (roles: string[]) => roles.some((r) => user.roleTemplateIds.includes(r));
  const included =
    u.includeUsers.includes('All') ||
    u.includeUsers.includes(user.id) ||
    (u.includeUsers.includes('GuestsOrExternalUsers') && user.userType === 'Guest') ||
    member(u.includeGroups) ||
    holds(u.includeRoles);
  const excluded = u.excludeUsers.includes(user.id) || member(u.excludeGroups) || holds(u.excludeRoles);
  const types = p.conditions.clientAppTypes;
  const client = types.includes('all') || types.includes(CLIENT_APP_TYPES[clientAppUsed] ?? 'other');
  if (!included || excluded || !client) return reportOnly ? 'reportOnlyNotApplied' : 'notApplied';
  const blocks = p.grantControls.builtInControls.includes('block');
  if (reportOnly) return blocks ? 'reportOnlyFailure' : 'reportOnlySuccess';
  return blocks ? 'failure' : 'success';
}
