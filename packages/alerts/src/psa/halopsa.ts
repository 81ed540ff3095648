import type { EgressPolicy } from '@evident/connector-kit';
import { z } from 'zod';
import type { ChannelConfig, ChannelSecret } from '../channel-settings.ts';
import { DeliveryError } from '../channels/base.ts';
import { type PsaClient, psaLimiter } from './client.ts';
import { psaCall } from './http.ts';

const token = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive() });
const ticket = z.looseObject({ id: z.number(), summary: z.string().nullish(), details: z.string().nullish() });

const parse = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> => {
  const r = schema.safeParse(value);
  if (!r.success) throw new DeliveryError(`HaloPSA answered an unexpected ${what}`, false);
  return r.data;
};

const tokens = new Map<string, { value: string; until: number }>();

/**
 * HaloPSA: a client-credentials token from the authorisation server, kept until a minute before it expires, then
 * `/api/tickets` (an array body creates, one with `id` updates) and `/api/actions` for notes. HaloPSA has no
 * external-reference field on tickets, so the reference ends the summary and is found with `search`.
 */
export function halopsaClient(
  policy: EgressPolicy,
  config: ChannelConfig<'halopsa'>,
  secret: ChannelSecret<'halopsa'>,
): PsaClient {
  const api = `${config.resourceServer.replace(/\/+$/, '')}/api`;
  const tokenUrl = `${config.authServer.replace(/\/+$/, '')}/token${config.tenant ? `?tenant=${encodeURIComponent(config.tenant)}` : ''}`;
  const limiter = psaLimiter('halopsa', `${tokenUrl}\u0000${config.clientId}`);
  const tokenKey = `${tokenUrl}\u0000${config.clientId}\u0000${secret.clientSecret}`;
  const bearer = async (signal?: AbortSignal) => {
    const kept = tokens.get(tokenKey);
    if (kept && kept.until > Date.now()) return kept.value;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: config.clientId,
      client_secret: secret.clientSecret,
      scope: 'all',
    });
    const t = parse(
      token,
      await psaCall(policy, limiter, { method: 'POST', url: tokenUrl, headers: {}, body }, signal),
      'token',
    );
    tokens.set(tokenKey, { value: t.access_token, until: Date.now() + Math.max(0, t.expires_in - 60) * 1000 });
    return t.access_token;
  };
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal, opt = false) => {
    const headers = { authorization: `Bearer ${await bearer(signal)}` };
    return psaCall(policy, limiter, { method, url: `${api}${path}`, headers, body, missingIsNull: opt }, signal);
  };
  const first = (answer: unknown, what: string) => {
    const one = Array.isArray(answer) ? answer[0] : answer;
    return parse(z.looseObject({ id: z.number() }), one, what).id;
  };

  return {
    kind: 'halopsa',
    async findCompany(ref, signal) {
      if (!/^\d+$/.test(ref)) return null;
      const answer = await call('GET', `/client/${ref}`, undefined, signal, true);
      if (!answer) return null;
      const c = parse(z.looseObject({ id: z.number(), name: z.string() }), answer, 'client');
      return { id: String(c.id), name: c.name };
    },
    async findOpenTicket(ref, companyId, signal) {
      const q = new URLSearchParams({ search: ref, client_id: companyId, open_only: 'true', pageinate: 'false' });
      const list = parse(
        z.looseObject({ tickets: z.array(ticket) }),
        await call('GET', `/tickets?${q}`, undefined, signal),
        'ticket list',
      );
      const t = list.tickets.find((x) => x.summary?.includes(ref));
      return t ? { id: String(t.id), description: t.details ?? '' } : null;
    },
    async createTicket(t, signal) {
      const body = [
        {
          summary: t.title,
          details: t.description,
          client_id: Number(t.companyId),
          ...(config.ticketTypeId ? { tickettype_id: config.ticketTypeId } : {}),
        },
      ];
      return String(first(await call('POST', '/tickets', body, signal), 'ticket'));
    },
    async hasNote(ticketId, marker, signal) {
      const q = new URLSearchParams({ ticket_id: ticketId, excludesys: 'true' });
      const list = parse(
        z.looseObject({ actions: z.array(z.looseObject({ note: z.string().nullish() })) }),
        await call('GET', `/actions?${q}`, undefined, signal),
        'action list',
      );
      return list.actions.some((a) => a.note?.includes(marker));
    },
    async addNote(ticketId, text, signal) {
      const body = [{ ticket_id: Number(ticketId), outcome: 'Note', note: text, hiddenfromuser: true }];
      first(await call('POST', '/actions', body, signal), 'action');
    },
    async closeTicket(ticketId, signal) {
      first(
        await call('POST', '/tickets', [{ id: Number(ticketId), status_id: config.closedStatusId }], signal),
        'ticket',
      );
    },
  };
}
