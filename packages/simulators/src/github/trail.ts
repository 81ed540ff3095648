import type { AuditEvent, AuditLogView } from './audit-events.ts';
import type { GithubTenants } from './tenants.ts';

/** An event written to the trail and when the audit log starts showing it. */
interface Written {
  event: AuditEvent;
  visibleAt: number;
}

/** Whatever a test writes, typed as an event: the audit log serves it as it is, shape and all. */
const asEvent = (raw: Record<string, unknown>): AuditEvent => raw as unknown as AuditEvent;

/**
 * The org audit log's new events: changes made through the test API (the world mutates and an event is written),
 * each readable `delayMs` after it happened, as GitHub's log lags behind the change. They sit on top of the
 * generated history, newest first like it.
 */
export class GithubTrail {
  /** How long a new event stays unreadable; GitHub's own lag is seconds to minutes. */
  delayMs = 0;
  private readonly written = new Map<string, Written[]>();
  private sequence = 0;

  constructor(
    private readonly tenants: GithubTenants,
    private readonly clock: () => number,
  ) {}

  /** Turns the org's 2FA requirement off, as an owner does in its settings, and logs it. */
  disableTwoFactorRequirement(org: string): AuditEvent {
    return this.change(org, 'org.disable_two_factor_requirement', (t) => {
      t.org.world.twoFactorRequired = false;
    });
  }

  enableTwoFactorRequirement(org: string): AuditEvent {
    return this.change(org, 'org.enable_two_factor_requirement', (t) => {
      t.org.world.twoFactorRequired = true;
    });
  }

  /** Logs an event of any action, e.g. `org.add_member`, without changing the world otherwise. */
  record(org: string, action: string, fields: Partial<AuditEvent> = {}): AuditEvent {
    return this.change(org, action, () => {}, fields);
  }

  /** Writes a raw event (any shape: malformed, huge, another org's) at `created_at`, or now. */
  inject(org: string, raw: Record<string, unknown>): void {
    const at = typeof raw.created_at === 'number' ? raw.created_at : this.clock();
    this.write(org, asEvent({ created_at: at, ...raw }));
  }

  private change(
    login: string,
    action: string,
    mutate: (t: NonNullable<ReturnType<GithubTenants['org']>>) => void,
    fields: Partial<AuditEvent> = {},
  ): AuditEvent {
    const tenant = this.tenants.org(login);
    if (!tenant) throw new Error(`no GitHub org ${login} in the scenario`);
    this.view(tenant);
    mutate(tenant);
    const at = this.clock();
    const actor = tenant.org.tokenUser(true);
    const event: AuditEvent = {
      '@timestamp': at,
      created_at: at,
      _document_id: Buffer.from(`trail-${tenant.org.login}-${++this.sequence}-${at}`).toString('base64url'),
      action,
      operation_type: action.includes('.add') || action.includes('.enable') ? 'create' : 'modify',
      actor: actor.login,
      actor_id: actor.id,
      actor_location: { country_code: 'US', country_name: 'United States' },
      org: tenant.org.login,
      org_id: tenant.org.id,
      ...fields,
    };
    this.write(login, event);
    return event;
  }

  private write(login: string, event: AuditEvent): void {
    const tenant = this.tenants.org(login);
    if (!tenant) throw new Error(`no GitHub org ${login} in the scenario`);
    this.view(tenant);
    const key = tenant.org.login.toLowerCase();
    const list = this.written.get(key) ?? [];
    list.push({ event, visibleAt: this.clock() + this.delayMs });
    list.sort((a, b) => a.event.created_at - b.event.created_at);
    this.written.set(key, list);
  }

  /**
   * Puts the trail in front of the tenant's generated log (built now, from the world as it was before any change).
   * Events not yet visible are left out, so indexes shift when one becomes visible, as GitHub's cursors go stale.
   */
  private view(tenant: NonNullable<ReturnType<GithubTenants['org']>>): void {
    const key = tenant.org.login.toLowerCase();
    if (this.written.has(key)) return;
    this.written.set(key, []);
    const base = tenant.audit();
    tenant.audit = (): AuditLogView => {
      const now = this.clock();
      const shown = (this.written.get(key) ?? []).filter((w) => w.visibleAt <= now).map((w) => w.event);
      const k = shown.length;
      return {
        total: base.total + k,
        recent: base.recent + k,
        perDay: base.perDay,
        event: (i) => (i < k ? shown[k - 1 - i]! : base.event(i - k)),
        isGit: (i) => (i < k ? false : base.isGit(i - k)),
      };
    };
  }
}
