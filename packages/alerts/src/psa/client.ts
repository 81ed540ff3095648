import { createHash } from 'node:crypto';
import { createLimiter, type RateLimiter } from '@evident/connector-kit';
import type { PsaKind } from '../channel-settings.ts';
import { type AlertMessage, detailLine, headline, isControlMessage, linkLabel } from '../message.ts';

export interface PsaCompany {
  /** The PSA's own id of the company, as text. */
  id: string;
  name: string;
}

export interface OpenTicket {
  id: string;
  description: string;
}

/** What a ticket channel needs of a PSA; each call goes through the PSA's limiter. */
export interface PsaClient {
  readonly kind: PsaKind;
  /** The company `ref` names (an id, or ConnectWise's identifier), or null when the PSA has none. */
  findCompany(ref: string, signal?: AbortSignal): Promise<PsaCompany | null>;
  /** The open ticket carrying `ref` for the company, if any, with its description where the PSA returns it. */
  findOpenTicket(ref: string, companyId: string, signal?: AbortSignal): Promise<OpenTicket | null>;
  createTicket(
    t: { ref: string; companyId: string; title: string; description: string },
    signal?: AbortSignal,
  ): Promise<string>;
  /** Whether one of the ticket's notes already contains `marker`. */
  hasNote(ticketId: string, marker: string, signal?: AbortSignal): Promise<boolean>;
  addNote(ticketId: string, text: string, signal?: AbortSignal): Promise<void>;
  closeTicket(ticketId: string, signal?: AbortSignal): Promise<void>;
}

/**
 * Documented limits: Autotask allows 10,000 requests per hour per database and three threads per endpoint and
 * integration; HaloPSA 700 requests per 5 minutes; ConnectWise publishes no figure and answers 429 when it
 * throttles, so a conservative 60 per minute is kept. The limiter is a token bucket whose burst is one second's
 * worth, so no window of the PSA's length sees more than its figure from one process.
 */
export const PSA_RATE_LIMITS: Record<PsaKind, { requests: number; windowMs: number; concurrency: number }> = {
  connectwise: { requests: 60, windowMs: 60_000, concurrency: 2 },
  autotask: { requests: 10_000, windowMs: 3_600_000, concurrency: 3 },
  halopsa: { requests: 700, windowMs: 300_000, concurrency: 3 },
};

const limiters = new Map<string, RateLimiter>();

/** One limiter per PSA account in this process, shared by every delivery to it. */
export function psaLimiter(kind: PsaKind, account: string): RateLimiter {
  const key = `${kind}\u0000${account}`;
  let l = limiters.get(key);
  if (!l) {
    const { requests, windowMs, concurrency } = PSA_RATE_LIMITS[kind];
    l = createLimiter({ concurrency, perSecond: (requests * 1000) / windowMs });
    limiters.set(key, l);
  }
  return l;
}

/**
 * The reference written into every ticket of one tenant's control on one channel (ConnectWise `externalXRef`,
 * Autotask `externalID`, the HaloPSA summary): short enough for every PSA's field, and found again by a search.
 */
export const psaTicketRef = (channelId: string, tenantId: string, controlId: string): string =>
  `EV-${createHash('sha256').update(`${channelId}\u0000${tenantId}\u0000${controlId}`).digest('hex').slice(0, 20).toUpperCase()}`;

export const deliveryMarker = (deliveryId: string) => `Evident delivery ${deliveryId}`;

export function ticketText(m: AlertMessage, marker: string): string {
  return [
    headline(m),
    detailLine(m),
    m.reason,
    '',
    `${linkLabel(m)}: ${m.url}`,
    `${m.organization.name} · ${marker}`,
  ].join('\n');
}

export interface PsaOutcome {
  ticketId: string | null;
  action: 'opened' | 'noted' | 'closed' | 'none';
}

/**
 * One open ticket per tenant and control. A regression opens it, or notes a later change on it; a recovery notes
 * and (when configured) closes it. The PSA is asked first every time, by the ticket's reference, and every text
 * carries the delivery's marker: a retry after a crash between the PSA's answer and our record finds the ticket
 * or the note it already made and makes nothing twice.
 */
export async function deliverToPsa(
  client: PsaClient,
  input: { ref: string; companyId: string; message: AlertMessage; deliveryId: string; closeOnRecovery: boolean },
  signal?: AbortSignal,
): Promise<PsaOutcome> {
  const { ref, companyId, message } = input;
  const marker = deliveryMarker(input.deliveryId);
  const text = ticketText(message, marker);
  const open = await client.findOpenTicket(ref, companyId, signal);
  // A notice asks for someone like a regression does: it opens the subject's ticket or notes on the open one.
  if (message.type === 'control.regressed' || !isControlMessage(message)) {
    if (!open) {
      const title = `[Evident] ${headline(message)}`.slice(0, 100 - ref.length - 3);
      const id = await client.createTicket({ ref, companyId, title: `${title} (${ref})`, description: text }, signal);
      return { ticketId: id, action: 'opened' };
    }
    await noteOnce(client, open, marker, text, signal);
    return { ticketId: open.id, action: 'noted' };
  }
  if (!open) return { ticketId: null, action: 'none' };
  await noteOnce(client, open, marker, text, signal);
  if (!input.closeOnRecovery) return { ticketId: open.id, action: 'noted' };
  await client.closeTicket(open.id, signal);
  return { ticketId: open.id, action: 'closed' };
}

async function noteOnce(client: PsaClient, open: OpenTicket, marker: string, text: string, signal?: AbortSignal) {
  if (open.description.includes(marker) || (await client.hasNote(open.id, marker, signal))) return;
  await client.addNote(open.id, text, signal);
}
