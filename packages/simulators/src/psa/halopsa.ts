import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  type Exchange,
  json,
  type PsaSimulator,
  type RateLimit,
  type Reply,
  type SimCompany,
  type SimTicket,
  startPsaServer,
} from './server.ts';

export interface HaloPsaOptions {
  clientId: string;
  clientSecret: string;
  /** A hosted instance's tenant: the token endpoint then needs `?tenant=`. */
  tenant?: string;
  companies: SimCompany[];
  closedStatus?: number;
  tokenLifetimeSeconds?: number;
  /** 700 requests per 5 minutes by default. */
  rateLimit?: RateLimit;
}

const create = z.object({
  summary: z.string().min(1).max(200),
  details: z.string().optional(),
  client_id: z.number().int(),
  tickettype_id: z.number().int().optional(),
  priority_id: z.number().int().optional(),
});
const update = z.object({ id: z.number().int(), status_id: z.number().int().optional() });
const action = z.object({
  ticket_id: z.number().int(),
  outcome: z.string().min(1),
  note: z.string().min(1),
  hiddenfromuser: z.boolean().optional(),
});

const problem = (status: number, message: string): Reply => json(status, { message });

/**
 * HaloPSA on loopback: `/auth/token` (client credentials, form body), then `/api/...` with the bearer token:
 * clients, tickets (an array body creates, or updates an item carrying `id`; `search`, `client_id`, `open_only`)
 * and actions (notes).
 */
export async function startHaloPsaSimulator(options: HaloPsaOptions): Promise<PsaSimulator> {
  const closed = options.closedStatus ?? 9;
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const tokens = new Map<string, number>();
  const tickets: SimTicket[] = [];
  let seq = 300;
  const view = (t: SimTicket) => ({
    id: t.id,
    client_id: t.companyId,
    summary: t.summary,
    details: t.description,
    status_id: t.status,
  });

  const token = (x: Exchange): Reply => {
    const form = x.body instanceof URLSearchParams ? x.body : new URLSearchParams();
    if (options.tenant && x.query.get('tenant') !== options.tenant)
      return json(400, { error: 'invalid_request', error_description: 'Unknown tenant' });
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
      return json(401, { error: 'invalid_client' });
    }
    const value = randomBytes(24).toString('base64url');
    tokens.set(value, Date.now() + lifetime * 1000);
    return json(200, {
      access_token: value,
      token_type: 'Bearer',
      expires_in: lifetime,
      scope: form.get('scope') ?? 'all',
    });
  };

  const handle = (x: Exchange): Reply => {
    if (x.path === '/auth/token' && x.method === 'POST') return token(x);
    if (!x.path.startsWith('/api/')) return problem(404, 'Not found');
    const bearer = /^Bearer (.+)$/.exec(x.headers.authorization ?? '')?.[1];
    if (!bearer || (tokens.get(bearer) ?? 0) < Date.now()) return problem(401, 'Unauthorized');
    const client = /^\/api\/client\/(\d+)$/.exec(x.path);
    if (client && x.method === 'GET') {
      const c = options.companies.find((co) => co.id === Number(client[1]));
      return c ? json(200, { id: c.id, name: c.name }) : problem(404, 'Client not found');
    }
    if (x.path === '/api/tickets' && x.method === 'GET') {
      const search = x.query.get('search');
      const clientId = x.query.get('client_id');
      const openOnly = x.query.get('open_only') === 'true';
      const found = tickets.filter(
        (t) =>
          (!search || t.summary.includes(search) || t.description.includes(search)) &&
          (!clientId || t.companyId === Number(clientId)) &&
          (!openOnly || !t.closed),
      );
      return json(200, { record_count: found.length, tickets: found.map(view) });
    }
    if (x.path === '/api/tickets' && x.method === 'POST') {
      if (!Array.isArray(x.body) || x.body.length === 0) return problem(400, 'An array of tickets is expected');
      const out = [];
      for (const item of x.body) {
        if (item && typeof item === 'object' && 'id' in item) {
          const u = update.safeParse(item);
          const t = u.success && tickets.find((tk) => tk.id === u.data.id);
          if (!u.success || !t) return problem(400, 'Ticket not found');
          if (u.data.status_id !== undefined) {
            t.status = u.data.status_id;
            t.closed = u.data.status_id === closed;
          }
          out.push(view(t));
          continue;
        }
        const c = create.safeParse(item);
        if (!c.success)
          return problem(400, `Ticket is not valid: ${c.error.issues.map((i) => i.path.join('.')).join(', ')}`);
        if (!options.companies.some((co) => co.id === c.data.client_id)) return problem(400, 'Client not found');
        const t: SimTicket = {
          id: ++seq,
          companyId: c.data.client_id,
          summary: c.data.summary,
          description: c.data.details ?? '',
          externalRef: null,
          status: 1,
          closed: false,
          notes: [],
        };
        tickets.push(t);
        out.push(view(t));
      }
      return json(201, out.length === 1 ? out[0] : out);
    }
    if (x.path === '/api/actions' && x.method === 'GET') {
      const t = tickets.find((tk) => tk.id === Number(x.query.get('ticket_id')));
      const actions = (t?.notes ?? []).map((n) => ({ id: n.id, ticket_id: t!.id, outcome: 'Note', note: n.text }));
      return json(200, { record_count: actions.length, actions });
    }
    if (x.path === '/api/actions' && x.method === 'POST') {
      if (!Array.isArray(x.body) || x.body.length === 0) return problem(400, 'An array of actions is expected');
      const out = [];
      for (const item of x.body) {
        const a = action.safeParse(item);
        const t = a.success && tickets.find((tk) => tk.id === a.data.ticket_id);
        if (!a.success || !t) return problem(400, 'Action is not valid or its ticket does not exist');
        const note = { id: ++seq, text: a.data.note };
        t.notes.push(note);
        out.push({ id: note.id, ticket_id: t.id, outcome: a.data.outcome, note: note.text });
      }
      return json(201, out.length === 1 ? out[0] : out);
    }
    return problem(404, 'Not found');
  };

  const server = await startPsaServer(handle, { rateLimit: options.rateLimit ?? { requests: 700, windowMs: 300_000 } });
  return { ...server, tickets: () => tickets.map((t) => ({ ...t, notes: [...t.notes] })) };
}
