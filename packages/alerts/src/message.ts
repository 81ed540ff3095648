import { controlById } from '@evident/controls';
import { controlStatus } from '@evident/core';
import { z } from 'zod';
import {
  type AlertEvent,
  CONTROL_EVENT_TYPES,
  isControlEvent,
  NOTICE_SUBJECTS,
  type NoticeEvent,
  noticeType,
  transition,
} from './events.ts';

/**
 * The body of the generic webhook, and what every channel renders: one change of one control of one tenant. It is
 * built from the event and public names only; no credential, token or channel setting ever enters it.
 */
const controlMessage = z
  .strictObject({
    version: z.literal(1),
    /** The delivery's id: the same in every attempt, and the `Idempotency-Key` header. */
    id: z.string().min(1),
    type: z.enum(CONTROL_EVENT_TYPES),
    transition,
    organization: z.strictObject({ id: z.string(), name: z.string() }),
    tenant: z.strictObject({ id: z.string(), name: z.string() }),
    control: z.strictObject({ id: z.string(), title: z.string() }),
    from: controlStatus,
    to: controlStatus,
    /** The verdict's sentence; for a regression to `unknown`, the evidence that is missing and why. */
    reason: z.string(),
    /** When the new verdict was evaluated (ISO 8601). */
    at: z.string(),
    runId: z.string(),
    previousRunId: z.string(),
    /** The control's page in the dashboard. */
    url: z.url(),
  })
  .meta({ title: 'Evident control alert', description: 'One change of a control verdict of one tenant.' });
export type ControlMessage = z.infer<typeof controlMessage>;

const noticeMessage = z
  .strictObject({
    version: z.literal(1),
    id: z.string().min(1),
    type: noticeType,
    organization: z.strictObject({ id: z.string(), name: z.string() }),
    /** Null for the organization's own events (its audit log). */
    tenant: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
    /** What it is about: a connection, an export, an exception, the audit log. */
    subject: z.strictObject({ kind: z.enum(NOTICE_SUBJECTS), id: z.string(), name: z.string() }),
    /** A short code of why (`auth_failed`, `secret_expiring`, `relationship_expiring`, `chain_broken`, ...). */
    cause: z.string(),
    /** What happened, in words. */
    reason: z.string(),
    /** When what is expiring expires (ISO 8601), for the expiry events. */
    expiresAt: z.string().nullable(),
    at: z.string(),
    /** Where to act on it in the dashboard. */
    url: z.url(),
  })
  .meta({
    title: 'Evident notice',
    description: 'A connection that needs attention, a broken audit chain, a failed export or an expiring exception.',
  });
export type NoticeMessage = z.infer<typeof noticeMessage>;

export const alertMessage = z
  .discriminatedUnion('type', [controlMessage, noticeMessage])
  .meta({ title: 'Evident alert', description: 'A control verdict change, or a notice that asks for someone.' });
export type AlertMessage = z.infer<typeof alertMessage>;

export const isControlMessage = (m: AlertMessage): m is ControlMessage =>
  (CONTROL_EVENT_TYPES as readonly string[]).includes(m.type);

/** The webhook body's JSON Schema (draft 2020-12), for receivers that validate. */
export const alertMessageJsonSchema = z.toJSONSchema(alertMessage);

export interface MessageContext {
  deliveryId: string;
  organization: { id: string; name: string };
  /** Null only for the organization's own events. */
  tenant: { id: string; name: string } | null;
  /** Where the dashboard is served, e.g. `https://evident.example.com`. */
  publicOrigin: string;
}

/** The dashboard's control page (apps/web `router.tsx`: `/tenants/<id>/controls/<controlId>`). */
export const controlUrl = (origin: string, tenantId: string, controlId: string): string =>
  new URL(`/tenants/${encodeURIComponent(tenantId)}/controls/${encodeURIComponent(controlId)}`, origin).toString();

/** The dashboard page where a notice is acted on. */
export function noticeUrl(origin: string, e: Pick<NoticeEvent, 'type' | 'tenantId'>): string {
  const tenant = e.tenantId ? `/tenants/${encodeURIComponent(e.tenantId)}` : null;
  const path = !tenant
    ? '/audit'
    : e.type === 'export.failed'
      ? `${tenant}/schedules`
      : e.type === 'exception.expiring'
        ? `${tenant}/exceptions`
        : tenant;
  return new URL(path, origin).toString();
}

export function buildMessage(event: AlertEvent, ctx: MessageContext): AlertMessage {
  if (!isControlEvent(event)) {
    return alertMessage.parse({
      version: 1,
      id: ctx.deliveryId,
      type: event.type,
      organization: ctx.organization,
      tenant: ctx.tenant,
      subject: event.subject,
      cause: event.cause,
      reason: event.reason,
      expiresAt: event.expiresAt,
      at: event.at,
      url: noticeUrl(ctx.publicOrigin, event),
    });
  }
  if (!ctx.tenant) throw new Error('a control alert belongs to a tenant');
  return alertMessage.parse({
    version: 1,
    id: ctx.deliveryId,
    type: event.type,
    transition: event.transition,
    organization: ctx.organization,
    tenant: ctx.tenant,
    control: { id: event.controlId, title: controlById(event.controlId)?.title ?? event.controlId },
    from: event.from,
    to: event.to,
    reason: event.reason,
    at: event.at,
    runId: event.runId,
    previousRunId: event.previousRunId,
    url: controlUrl(ctx.publicOrigin, event.tenantId, event.controlId),
  });
}

const WORDS: Record<ControlMessage['transition'], string> = {
  pass_to_partial: 'now partially passes',
  pass_to_fail: 'now fails',
  pass_to_unknown: 'can no longer be proven (evidence missing)',
  recovered_to_pass: 'passes again',
};

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'soon');

const NOTICE_WORDS: Record<NoticeMessage['type'], (m: NoticeMessage) => string> = {
  'connection.attention': (m) =>
    m.expiresAt
      ? `connection ${m.subject.name} expires ${day(m.expiresAt)}`
      : `connection ${m.subject.name} needs attention`,
  'audit.chain_broken': () => 'the audit log chain is broken',
  'export.failed': (m) => `the ${m.subject.name} export failed`,
  'exception.expiring': (m) => `exception ${m.subject.name} expires ${day(m.expiresAt)}`,
};

/** One line for subjects, notification text and card titles. */
export const headline = (m: AlertMessage): string =>
  isControlMessage(m)
    ? `${m.tenant.name}: ${m.control.id} ${m.control.title} ${WORDS[m.transition]}`
    : `${m.tenant?.name ?? m.organization.name}: ${NOTICE_WORDS[m.type](m)}`;

/** The second line: the verdict's move, or when the notice was raised (and what expires when). */
export const detailLine = (m: AlertMessage): string =>
  isControlMessage(m)
    ? `${m.from} → ${m.to}, evaluated ${m.at}`
    : m.expiresAt
      ? `expires ${m.expiresAt}, seen ${m.at}`
      : `seen ${m.at}`;

const LINKS: Record<NoticeMessage['type'], string> = {
  'connection.attention': 'Open the tenant',
  'audit.chain_broken': 'Open the audit log',
  'export.failed': 'Open the export schedules',
  'exception.expiring': 'Open the exceptions',
};

/** The words of the message's link. */
export const linkLabel = (m: AlertMessage): string => (isControlMessage(m) ? 'Open the control' : LINKS[m.type]);
