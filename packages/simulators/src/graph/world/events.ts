import { below, guid, unit } from '../../rng.ts';
import type { EntraWorld } from '../../scenario/schema.ts';
import type { ConditionalAccessPolicy } from './ca-policy.ts';
import { policyResult } from './ca-scope.ts';
import type { DirectoryUser } from './users.ts';

const DAY = 86_400_000;

/** A log newest first, generated entry by entry: entry k happened `(k + 1) * spacingMs` before now. */
export interface EventLog<T> {
  count: number;
  spacingMs: number;
  at(k: number): T;
  /** How many entries happened at or after `since`. */
  countSince(since: Date): number;
}

export interface EventSource {
  world: EntraWorld;
  seed: number;
  now: Date;
  /** Users who can sign in (enabled members and guests), by position. */
  signInUsers: { count: number; at(j: number): DirectoryUser };
  /** Users who administer the tenant, for audit actors. */
  actors: DirectoryUser[];
  policies: readonly ConditionalAccessPolicy[];
  /** Whether the user is in the group, nesting included. */
  inGroup(groupId: string, userIndex: number): boolean;
}

/** Days the tenant keeps sign-in and audit logs: 7 on Entra ID Free, 30 with P1 or P2. */
export function nativeRetentionDays(world: EntraWorld): number {
  return world.licence === 'free' ? 7 : 30;
}

function log<T>(s: EventSource, perDay: number, make: (k: number, at: Date) => T): EventLog<T> {
  const spacingMs = DAY / perDay;
  const count = s.signInUsers.count === 0 ? 0 : Math.floor(perDay * nativeRetentionDays(s.world));
  return {
    count,
    spacingMs,
    at: (k) => make(k, new Date(s.now.getTime() - (k + 1) * spacingMs)),
    countSince: (since) => Math.max(0, Math.min(count, Math.floor((s.now.getTime() - since.getTime()) / spacingMs))),
  };
}

const APPS = [
  { appId: '00000002-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 Exchange Online' },
  { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', appDisplayName: 'Microsoft Teams' },
  { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', appDisplayName: 'Azure Portal' },
  { appId: '00000003-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 SharePoint Online' },
] as const;

const CLIENTS = ['Browser', 'Mobile Apps and Desktop clients', 'Exchange ActiveSync', 'IMAP4'] as const;

export function signInLog(s: EventSource) {
  const perDay = Math.min(50_000, Math.max(24, s.signInUsers.count * 2));
  return log(s, perDay, (k, at) => {
    const key = [s.world.tenantId, 'sign-in', k];
    const r = (what: string) => unit(s.seed, ...key, what);
    const user = s.signInUsers.at(below(s.signInUsers.count, s.seed, ...key, 'user'));
    const app = APPS[below(APPS.length, s.seed, ...key, 'app')]!;
    const client =
      r('legacy') < 0.03 ? CLIENTS[2 + below(2, s.seed, ...key, 'client')]! : CLIENTS[r('client') < 0.7 ? 0 : 1];
    const applied = s.policies.map((p) => ({
      id: p.id,
      displayName: p.displayName,
      enforcedGrantControls: p.grantControls.authenticationStrength
        ? ['RequireAuthenticationStrength']
        : p.grantControls.builtInControls.map(cap),
      enforcedSessionControls: [],
      result: policyResult(p, user, client, s.inGroup),
    }));
    const blocked = applied.some((a) => a.result === 'failure');
    const wrongPassword = !blocked && r('failed') < 0.04;
    return {
      id: guid(s.seed, ...key),
      createdDateTime: at.toISOString(),
      userDisplayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      userId: user.id,
      appId: app.appId,
      appDisplayName: app.appDisplayName,
      ipAddress: `203.0.113.${below(254, s.seed, ...key, 'ip') + 1}`,
      clientAppUsed: client,
      correlationId: guid(s.seed, ...key, 'correlation'),
      conditionalAccessStatus: blocked
        ? 'failure'
        : applied.some((a) => a.result === 'success')
          ? 'success'
          : 'notApplied',
      isInteractive: true,
      riskDetail: 'none',
      riskLevelAggregated: 'none',
      riskLevelDuringSignIn: 'none',
      riskState: 'none',
      riskEventTypes_v2: [],
      resourceDisplayName: 'Microsoft Graph',
      resourceId: '00000003-0000-0000-c000-000000000000',
      status: signInStatus(blocked, wrongPassword),
      deviceDetail: {
        deviceId: '',
        displayName: '',
        operatingSystem: r('os') < 0.6 ? 'Windows10' : 'MacOs',
        browser: client === 'Browser' ? 'Edge 131.0.0' : '',
        isCompliant: false,
        isManaged: false,
        trustType: '',
      },
      location: {
        city: 'Amsterdam',
        state: 'Noord-Holland',
        countryOrRegion: 'NL',
        geoCoordinates: { altitude: null, latitude: 52.37, longitude: 4.89 },
      },
      appliedConditionalAccessPolicies: applied,
    };
  });
}

function signInStatus(blocked: boolean, wrongPassword: boolean) {
  if (blocked)
    return {
      errorCode: 53003,
      failureReason:
        'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
      additionalDetails: null,
    };
  if (wrongPassword)
    return {
      errorCode: 50126,
      failureReason: 'Error validating credentials due to invalid username or password.',
      additionalDetails: null,
    };
  return { errorCode: 0, failureReason: 'Other.', additionalDetails: null };
}

function cap(control: string): string {
  return control === 'mfa' ? 'Mfa' : control === 'block' ? 'Block' : control[0]!.toUpperCase() + control.slice(1);
}

const ACTIVITIES = [
  {
    category: 'UserManagement',
    activityDisplayName: 'Update user',
    operationType: 'Update',
    service: 'Core Directory',
    type: 'User',
  },
  {
    category: 'RoleManagement',
    activityDisplayName: 'Add member to role',
    operationType: 'Assign',
    service: 'Core Directory',
    type: 'User',
  },
  {
    category: 'UserManagement',
    activityDisplayName: 'Reset user password',
    operationType: 'Reset',
    service: 'Core Directory',
    type: 'User',
  },
  {
    category: 'Policy',
    activityDisplayName: 'Update conditional access policy',
    operationType: 'Update',
    service: 'Conditional Access',
    type: 'Policy',
  },
] as const;

export function directoryAuditLog(s: EventSource) {
  const perDay = Math.min(5_000, Math.max(4, Math.ceil(s.signInUsers.count / 10)));
  return log(s, perDay, (k, at) => {
    const key = [s.world.tenantId, 'audit', k];
    const a = ACTIVITIES[below(ACTIVITIES.length, s.seed, ...key, 'activity')]!;
    const actor = s.actors.length > 0 ? s.actors[below(s.actors.length, s.seed, ...key, 'actor')]! : undefined;
    const target = s.signInUsers.at(below(s.signInUsers.count, s.seed, ...key, 'target'));
    const policy = s.policies[below(Math.max(1, s.policies.length), s.seed, ...key, 'policy')];
    const onPolicy = a.type === 'Policy' && policy !== undefined;
    return {
      id: `Directory_${guid(s.seed, ...key)}`,
      category: a.category,
      correlationId: guid(s.seed, ...key, 'correlation'),
      result: 'success',
      resultReason: '',
      activityDisplayName: a.activityDisplayName,
      activityDateTime: at.toISOString(),
      loggedByService: a.service,
      operationType: a.operationType,
      initiatedBy: {
        app: actor
          ? null
          : {
              appId: null,
              displayName: 'Microsoft Substrate Management',
              servicePrincipalId: null,
              servicePrincipalName: null,
            },
        user: actor
          ? {
              id: actor.id,
              displayName: null,
              userPrincipalName: actor.userPrincipalName,
              ipAddress: '198.51.100.7',
              userType: null,
            }
          : null,
      },
      targetResources: [
        {
          id: onPolicy ? policy.id : target.id,
          displayName: onPolicy ? policy.displayName : null,
          type: a.type,
          userPrincipalName: onPolicy ? null : target.userPrincipalName,
          groupType: null,
          modifiedProperties: [],
        },
      ],
      additionalDetails: [{ key: 'User-Agent', value: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' }],
    };
  });
}
