import { controlById } from '@evident/controls';
import { controlStatus } from '@evident/core';
import { z } from 'zod';
import { type AlertEvent, alertEventType, transition } from './events.ts';

/**
 * The body of the generic webhook, and what every channel renders: one change of one control of one tenant. It is
 * built from the event and public names only; no credential, token or channel setting ever enters it.
 */
export const alertMessage = z
  .strictObject({
    version: z.literal(1),
    /** The delivery's id: the same in every attempt, and the `Idempotency-Key` header. */
    id: z.string().min(1),
    type: alertEventType,
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
  .meta({ title: 'Evident alert', description: 'One change of a control verdict of one tenant.' });
export type AlertMessage = z.infer<typeof alertMessage>;

/** The webhook body's JSON Schema (draft 2020-12), for receivers that validate. */
export const alertMessageJsonSchema = z.toJSONSchema(alertMessage);

export interface MessageContext {
  deliveryId: string;
  organization: { id: string; name: string };
  tenant: { id: string; name: string };
  /** Where the dashboard is served, e.g. `https://evident.example.com`. */
  publicOrigin: string;
}

/** The dashboard's control page (apps/web `router.tsx`: `/tenants/<id>/controls/<controlId>`). */
export const controlUrl = (origin: string, tenantId: string, controlId: string): string =>
  new URL(`/tenants/${encodeURIComponent(tenantId)}/controls/${encodeURIComponent(controlId)}`, origin).toString();

export function buildMessage(event: AlertEvent, ctx: MessageContext): AlertMessage {
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

const WORDS: Record<AlertMessage['transition'], string> = {
  pass_to_partial: 'now partially passes',
  pass_to_fail: 'now fails',
  pass_to_unknown: 'can no longer be proven (evidence missing)',
  recovered_to_pass: 'passes again',
};

/** One line for subjects, notification text and card titles. */
export const headline = (m: AlertMessage): string =>
  `${m.tenant.name}: ${m.control.id} ${m.control.title} ${WORDS[m.transition]}`;
