import { randomUUID } from 'node:crypto';
import type { TenantRegistry } from './tenants.ts';
import type { ConditionalAccessPolicy } from './world/ca-policy.ts';
import type { EntraDirectory } from './world/directory.ts';

/** One entry the change API appended: readable from `readableAt`, as Entra's audit log lags its changes. */
interface LiveEntry {
  entry: Record<string, unknown>;
  /** `activityDateTime` in ms: what `$filter=activityDateTime ge …` compares. */
  at: number;
  readableAt: number;
}

/** A tenant's audit entries made while the simulator runs, oldest first, kept beside its generated history. */
export class LiveAuditLog {
  private readonly entries: LiveEntry[] = [];

  add(entry: Record<string, unknown>, at: number, readableAt: number): void {
    this.entries.push({ entry, at, readableAt });
  }

  /** Entries readable at `now` that happened at or after `since`, newest first (Graph's order). */
  readable(now: number, since: number | undefined): Record<string, unknown>[] {
    return this.entries
      .filter((e) => e.readableAt <= now && (since === undefined || e.at >= since))
      .sort((a, b) => b.at - a.at)
      .map((e) => e.entry);
  }
}

const LIVE = new WeakMap<EntraDirectory, LiveAuditLog>();

/** The live audit log of a tenant's directory (none until the change API writes one). */
export function liveAudits(directory: EntraDirectory): LiveAuditLog {
  let log = LIVE.get(directory);
  if (!log) {
    log = new LiveAuditLog();
    LIVE.set(directory, log);
  }
  return log;
}

/** Who made a change, as the audit entry names them: a user's UPN, or an app's display name. */
export type Actor = { user: string } | { app: string };

/**
 * Changes a test makes to a running simulator's world. Each one mutates what Graph serves at once and leaves a
 * `directoryAudit` entry that becomes readable after `auditDelayMs` (Entra's own audit latency is minutes).
 */
export interface DirectoryChanges {
  auditDelayMs: number;
  /** Sets a conditional-access policy's state (by id or display name); its audit entry's id is returned. */
  setConditionalAccessState(
    tenant: string,
    policy: string,
    state: ConditionalAccessPolicy['state'],
    actor?: Actor,
  ): string;
  /** Turns security defaults on or off; its audit entry's id is returned. */
  setSecurityDefaults(tenant: string, on: boolean, actor?: Actor): string;
  /** Appends an entry exactly as given (a hostile or malformed one), readable after the delay. */
  appendAudit(tenant: string, entry: Record<string, unknown>, at?: Date): void;
}

const DEFAULT_ACTOR: Actor = { user: 'admin@simulated.example' };

function initiatedBy(actor: Actor) {
  return 'user' in actor
    ? {
        app: null,
        user: {
          id: randomUUID(),
          displayName: null,
          userPrincipalName: actor.user,
          ipAddress: '198.51.100.7',
          userType: null,
        },
      }
    : {
        app: { appId: randomUUID(), displayName: actor.app, servicePrincipalId: null, servicePrincipalName: null },
        user: null,
      };
}

function auditEntry(
  at: Date,
  activity: { category: string; activityDisplayName: string; loggedByService: string },
  actor: Actor,
  target: { id: string; displayName: string; type: string; property: string; oldValue: string; newValue: string },
): Record<string, unknown> {
  return {
    id: `Directory_${randomUUID()}`,
    category: activity.category,
    correlationId: randomUUID(),
    result: 'success',
    resultReason: '',
    activityDisplayName: activity.activityDisplayName,
    activityDateTime: at.toISOString(),
    loggedByService: activity.loggedByService,
    operationType: 'Update',
    initiatedBy: initiatedBy(actor),
    targetResources: [
      {
        id: target.id,
        displayName: target.displayName,
        type: target.type,
        userPrincipalName: null,
        groupType: null,
        modifiedProperties: [
          {
            displayName: target.property,
            oldValue: JSON.stringify(target.oldValue),
            newValue: JSON.stringify(target.newValue),
          },
        ],
      },
    ],
    additionalDetails: [],
  };
}

export function directoryChanges(tenants: TenantRegistry, clock: () => number = Date.now): DirectoryChanges {
  const named = (name: string) => {
    const t = tenants.named(name) ?? tenants.resolve(name);
    if (!t) throw new Error(`no Entra tenant ${name} in the scenario`);
    return t;
  };
  const changes: DirectoryChanges = {
    auditDelayMs: 0,
    setConditionalAccessState(tenant, policy, state, actor = DEFAULT_ACTOR) {
      const t = named(tenant);
      const p = t.directory.conditionalAccessPolicies.find((x) => x.id === policy || x.displayName === policy);
      if (!p) throw new Error(`no conditional-access policy ${policy} in ${tenant}`);
      const now = new Date(clock());
      const before = p.state;
      p.state = state;
      p.modifiedDateTime = now.toISOString();
      const entry = auditEntry(
        now,
        {
          category: 'Policy',
          activityDisplayName: 'Update conditional access policy',
          loggedByService: 'Conditional Access',
        },
        actor,
        { id: p.id, displayName: p.displayName, type: 'Policy', property: 'State', oldValue: before, newValue: state },
      );
      liveAudits(t.directory).add(entry, now.getTime(), now.getTime() + changes.auditDelayMs);
      return entry.id as string;
    },
    setSecurityDefaults(tenant, on, actor = DEFAULT_ACTOR) {
      const t = named(tenant);
      const now = new Date(clock());
      const before = t.world.securityDefaults;
      t.world.securityDefaults = on;
      const entry = auditEntry(
        now,
        { category: 'Policy', activityDisplayName: 'Update policy', loggedByService: 'Core Directory' },
        actor,
        {
          id: '00000000-0000-0000-0000-000000000005',
          displayName: 'Security Defaults',
          type: 'Policy',
          property: 'IsEnabled',
          oldValue: String(before),
          newValue: String(on),
        },
      );
      liveAudits(t.directory).add(entry, now.getTime(), now.getTime() + changes.auditDelayMs);
      return entry.id as string;
    },
    appendAudit(tenant, entry, at = new Date(clock())) {
      const t = named(tenant);
      liveAudits(t.directory).add(entry, at.getTime(), clock() + changes.auditDelayMs);
    },
  };
  return changes;
}
