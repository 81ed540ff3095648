import { controlById } from '@evident/controls';
import { z } from 'zod';
import { digestSchedule } from './digest.ts';
import { type AlertEvent, alertEventType, type ControlEvent, isControlEvent } from './events.ts';

/**
 * A rule sends matching events to one channel. Rules without a tenant are the organization's defaults; a tenant's
 * own rules for a channel replace the defaults for that channel (a disabled one silences it for that tenant).
 * An empty filter list matches everything.
 */
export const alertRuleInput = z.strictObject({
  tenantId: z.string().startsWith('ten_').nullable().default(null),
  channelId: z.string().min(1),
  enabled: z.boolean().default(true),
  eventTypes: z.array(alertEventType).default([]),
  controlIds: z.array(z.string().min(1)).default([]),
  frameworks: z.array(z.string().min(1)).default([]),
  /** Null sends each event at once; a schedule gathers them into one message per period (not for PSA channels). */
  digest: digestSchedule.nullable().default(null),
});
export type AlertRuleInput = z.input<typeof alertRuleInput>;
export type AlertRule = z.output<typeof alertRuleInput> & { id: string };

/** The same control alerting again within this window (a flip back, or a flip back and forth) is suppressed. */
export const FLAP_WINDOW_MS = 60 * 60 * 1000;

/**
 * The rules in force for one tenant: per channel, the tenant's own rules if it has any, else the defaults. For the
 * organization's own events (no tenant), the defaults.
 */
export function rulesFor(rules: readonly AlertRule[], tenantId: string | null): AlertRule[] {
  const overridden = new Set(rules.filter((r) => r.tenantId === tenantId).map((r) => r.channelId));
  return rules.filter((r) =>
    r.tenantId === tenantId ? r.enabled : r.tenantId === null && r.enabled && !overridden.has(r.channelId),
  );
}

const frameworksOf = (controlId: string): string[] => controlById(controlId)?.mappings.map((m) => m.framework) ?? [];

export function ruleMatches(rule: AlertRule, event: AlertEvent): boolean {
  if (rule.eventTypes.length > 0 && !rule.eventTypes.includes(event.type)) return false;
  const controlId = event.controlId;
  if (rule.controlIds.length > 0 && (controlId === null || !rule.controlIds.includes(controlId))) return false;
  if (rule.frameworks.length === 0) return true;
  if (controlId === null) return false;
  const mapped = frameworksOf(controlId);
  return rule.frameworks.some((f) => mapped.includes(f));
}

export interface RoutingState {
  rules: readonly AlertRule[];
  /** The tenant is silent until then. */
  mutedUntil: Date | null;
  /** Per control, when it last raised an alert (kept in the store, so every worker sees the same). */
  lastAlerted: ReadonlyMap<string, Date>;
}

export interface Routing {
  deliveries: { event: AlertEvent; channelId: string }[];
  /** Events for digest rules: they wait for the rule's next digest. */
  digests: { event: ControlEvent; ruleId: string }[];
  /** Controls that alerted now: their `lastAlerted` becomes the event's time. */
  alerted: { controlId: string; at: Date }[];
  suppressed: { event: AlertEvent; why: 'muted' | 'flapping' }[];
}

/**
 * Which channels hear of which events. Pure: the same events and state route the same way. Only control changes
 * flap or wait for a digest: the other events each happen once and ask for someone now.
 */
export function routeEvents(events: readonly AlertEvent[], tenantId: string | null, state: RoutingState): Routing {
  const rules = rulesFor(state.rules, tenantId);
  const out: Routing = { deliveries: [], digests: [], alerted: [], suppressed: [] };
  for (const event of events) {
    const at = new Date(event.at);
    if (state.mutedUntil && at < state.mutedUntil) {
      out.suppressed.push({ event, why: 'muted' });
      continue;
    }
    const matched = rules.filter((r) => ruleMatches(r, event));
    if (matched.length === 0) continue;
    if (!isControlEvent(event)) {
      for (const channelId of [...new Set(matched.map((r) => r.channelId))].sort())
        out.deliveries.push({ event, channelId });
      continue;
    }
    const immediate = matched.filter((r) => r.digest === null);
    const digests = matched.filter((r) => r.digest !== null);
    const channels = [...new Set(immediate.map((r) => r.channelId))].sort();
    const last = state.lastAlerted.get(event.controlId);
    if (last && at.getTime() - last.getTime() < FLAP_WINDOW_MS) {
      out.suppressed.push({ event, why: 'flapping' });
      continue;
    }
    out.alerted.push({ controlId: event.controlId, at });
    for (const channelId of channels) out.deliveries.push({ event, channelId });
    for (const r of digests) out.digests.push({ event, ruleId: r.id });
  }
  return out;
}
