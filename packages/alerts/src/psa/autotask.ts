import type { EgressPolicy } from '@evident/connector-kit';
import { z } from 'zod';
import type { ChannelConfig, ChannelSecret } from '../channel-settings.ts';
import { DeliveryError } from '../channels/base.ts';
import { type PsaClient, psaLimiter } from './client.ts';
import { psaCall } from './http.ts';

const zone = z.looseObject({ url: z.url() });
const companyItem = z.looseObject({ item: z.looseObject({ id: z.number(), companyName: z.string() }).nullable() });
const items = <S extends z.ZodType>(s: S) => z.looseObject({ items: z.array(s) });
const ticket = z.looseObject({ id: z.number(), description: z.string().nullish() });

const parse = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> => {
  const r = schema.safeParse(value);
  if (!r.success) throw new DeliveryError(`Autotask answered an unexpected ${what}`, false);
  return r.data;
};

const zones = new Map<string, string>();

/**
 * Autotask REST v1.0: the user's zone is looked up once (ZoneInformation), then every call goes to that zone with
 * the `ApiIntegrationCode`, `UserName` and `Secret` headers. Tickets carry their reference in `externalID`.
 */
export function autotaskClient(
  policy: EgressPolicy,
  config: ChannelConfig<'autotask'>,
  secret: ChannelSecret<'autotask'>,
): PsaClient {
  const lookup = `${config.zoneLookup.replace(/\/+$/, '')}/v1.0/ZoneInformation?user=${encodeURIComponent(config.userName)}`;
  const limiter = psaLimiter('autotask', `${config.zoneLookup}\u0000${config.userName}`);
  const headers = { apiintegrationcode: secret.integrationCode, username: config.userName, secret: secret.secret };
  const base = async (signal?: AbortSignal) => {
    let url = zones.get(lookup);
    if (!url) {
      const answer = await psaCall(policy, limiter, { method: 'GET', url: lookup, headers: {} }, signal);
      url = `${parse(zone, answer, 'zone').url.replace(/\/+$/, '')}/V1.0`;
      zones.set(lookup, url);
    }
    return url;
  };
  const call = async (
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    opt = false,
  ) =>
    psaCall(
      policy,
      limiter,
      { method, url: `${await base(signal)}${path}`, headers, body, missingIsNull: opt },
      signal,
    );
  const eq = (field: string, value: unknown) => ({ op: 'eq', field, value });

  return {
    kind: 'autotask',
    async findCompany(ref, signal) {
      if (!/^\d+$/.test(ref)) return null;
      const answer = await call('GET', `/Companies/${ref}`, undefined, signal, true);
      const c = answer === null ? null : parse(companyItem, answer, 'company').item;
      return c ? { id: String(c.id), name: c.companyName } : null;
    },
    async findOpenTicket(ref, companyId, signal) {
      const filter = [
        eq('externalID', ref),
        eq('companyID', Number(companyId)),
        { op: 'noteq', field: 'status', value: config.completeStatus },
      ];
      const found = parse(items(ticket), await call('POST', '/Tickets/query', { filter }, signal), 'ticket list');
      const t = found.items[0];
      return t ? { id: String(t.id), description: t.description ?? '' } : null;
    },
    async createTicket(t, signal) {
      const body = {
        companyID: Number(t.companyId),
        title: t.title,
        description: t.description,
        status: config.newStatus,
        priority: config.priority,
        ...(config.queueId ? { queueID: config.queueId } : {}),
        externalID: t.ref,
      };
      const answer = parse(
        z.looseObject({ itemId: z.number() }),
        await call('POST', '/Tickets', body, signal),
        'ticket',
      );
      return String(answer.itemId);
    },
    async hasNote(ticketId, marker, signal) {
      const filter = [eq('ticketID', Number(ticketId)), { op: 'contains', field: 'description', value: marker }];
      const found = parse(
        items(z.looseObject({ id: z.number() })),
        await call('POST', '/TicketNotes/query', { filter }, signal),
        'note list',
      );
      return found.items.length > 0;
    },
    async addNote(ticketId, text, signal) {
      const body = { title: text.split('\n')[0]!.slice(0, 250), description: text, noteType: 1, publish: 1 };
      await call('POST', `/Tickets/${ticketId}/Notes`, body, signal);
    },
    async closeTicket(ticketId, signal) {
      await call('PATCH', '/Tickets', { id: Number(ticketId), status: config.completeStatus }, signal);
    },
  };
}
