import type { EgressPolicy } from '@evident/connector-kit';
import { z } from 'zod';
import type { ChannelConfig, ChannelSecret } from '../channel-settings.ts';
import { DeliveryError } from '../channels/base.ts';
import { type PsaClient, psaLimiter } from './client.ts';
import { psaCall } from './http.ts';

const idOnly = z.looseObject({ id: z.number() });
const company = z.looseObject({ id: z.number(), name: z.string() });
const note = z.looseObject({ text: z.string().nullish() });

const parse = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> => {
  const r = schema.safeParse(value);
  if (!r.success) throw new DeliveryError(`ConnectWise PSA answered an unexpected ${what}`, false);
  return r.data;
};

/**
 * ConnectWise PSA (Manage) REST 3.0: Basic auth of `company+publicKey:privateKey` and the integration's `clientId`.
 * Tickets carry their reference in `externalXRef`, searched with `conditions`.
 */
export function connectwiseClient(
  policy: EgressPolicy,
  config: ChannelConfig<'connectwise'>,
  secret: ChannelSecret<'connectwise'>,
): PsaClient {
  const base = `${config.site.replace(/\/+$/, '')}/${config.codebase}/apis/3.0`;
  const auth = Buffer.from(`${config.companyId}+${config.publicKey}:${secret.privateKey}`).toString('base64');
  const headers = { authorization: `Basic ${auth}`, clientid: secret.clientId };
  const limiter = psaLimiter('connectwise', `${base}\u0000${config.companyId}\u0000${config.publicKey}`);
  const call = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, signal?: AbortSignal, opt = false) =>
    psaCall(policy, limiter, { method, url: `${base}${path}`, headers, body, missingIsNull: opt }, signal);
  const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

  return {
    kind: 'connectwise',
    async findCompany(ref, signal) {
      const quoted = ref.replace(/["\\]/g, '');
      const list = parse(
        z.array(company),
        await call(
          'GET',
          `/company/companies${q({ conditions: `identifier="${quoted}"`, pageSize: '1' })}`,
          undefined,
          signal,
        ),
        'company list',
      );
      const c =
        list[0] ?? (/^\d+$/.test(ref) ? await call('GET', `/company/companies/${ref}`, undefined, signal, true) : null);
      if (!c) return null;
      const found = parse(company, c, 'company');
      return { id: String(found.id), name: found.name };
    },
    async findOpenTicket(ref, companyId, signal) {
      const conditions = `externalXRef="${ref}" and closedFlag=false and company/id=${Number(companyId)}`;
      const list = parse(
        z.array(idOnly),
        await call('GET', `/service/tickets${q({ conditions, fields: 'id', pageSize: '1' })}`, undefined, signal),
        'ticket list',
      );
      return list[0] ? { id: String(list[0].id), description: '' } : null;
    },
    async createTicket(t, signal) {
      const body = {
        summary: t.title,
        initialDescription: t.description,
        board: { id: config.boardId },
        company: { id: Number(t.companyId) },
        externalXRef: t.ref,
      };
      return String(parse(idOnly, await call('POST', '/service/tickets', body, signal), 'ticket').id);
    },
    async hasNote(ticketId, marker, signal) {
      const notes = parse(
        z.array(note),
        await call('GET', `/service/tickets/${ticketId}/notes${q({ pageSize: '1000' })}`, undefined, signal),
        'note list',
      );
      return notes.some((n) => n.text?.includes(marker));
    },
    async addNote(ticketId, text, signal) {
      const body = { text, detailDescriptionFlag: true, internalAnalysisFlag: false };
      parse(idOnly, await call('POST', `/service/tickets/${ticketId}/notes`, body, signal), 'note');
    },
    async closeTicket(ticketId, signal) {
      const patch = [{ op: 'replace', path: 'status', value: { id: config.closedStatusId } }];
      parse(idOnly, await call('PATCH', `/service/tickets/${ticketId}`, patch, signal), 'ticket');
    },
  };
}
