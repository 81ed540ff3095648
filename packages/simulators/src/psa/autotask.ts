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

export interface AutotaskOptions {
  userName: string;
  integrationCode: string;
  secret: string;
  companies: SimCompany[];
  /** Status picklist values that count as complete. */
  completeStatuses?: number[];
  /** 10,000 requests per hour per database by default. */
  rateLimit?: RateLimit;
}

const ticketBody = z.object({
  companyID: z.number().int(),
  title: z.string().min(1).max(255),
  description: z.string().max(8000).optional(),
  status: z.number().int(),
  priority: z.number().int(),
  queueID: z.number().int().optional(),
  externalID: z.string().max(50).optional(),
});
const updateBody = z.object({ id: z.number().int(), status: z.number().int().optional() });
const noteBody = z.object({
  title: z.string().min(1).max(250),
  description: z.string().min(1).max(32000),
  noteType: z.number().int(),
  publish: z.number().int(),
});
const query = z.object({
  filter: z.array(z.object({ op: z.enum(['eq', 'noteq', 'contains']), field: z.string(), value: z.unknown() })).min(1),
});

const errors = (status: number, ...messages: string[]): Reply => json(status, { errors: messages });

type Filter = z.infer<typeof query>['filter'][number];
function matches(row: Record<string, unknown>, filter: Filter[]): boolean | string {
  for (const f of filter) {
    const key = Object.keys(row).find((k) => k.toLowerCase() === f.field.toLowerCase());
    if (!key) return `Unknown field ${f.field}`;
    const v = row[key];
    if (f.op === 'eq' && v !== f.value) return false;
    if (f.op === 'noteq' && v === f.value) return false;
    if (f.op === 'contains' && !(typeof v === 'string' && typeof f.value === 'string' && v.includes(f.value)))
      return false;
  }
  return true;
}

/**
 * Autotask REST v1.0 on loopback: `ZoneInformation` names this server as the user's zone; every other call needs
 * the `ApiIntegrationCode`, `UserName` and `Secret` headers. Companies, tickets (create, `PATCH` update, `query`),
 * ticket notes. Paths are matched without regard to case, as Autotask does.
 */
export async function startAutotaskSimulator(options: AutotaskOptions): Promise<PsaSimulator> {
  const complete = new Set(options.completeStatuses ?? [5]);
  const tickets: SimTicket[] = [];
  let seq = 7000;
  let origin = '';
  const row = (t: SimTicket) => ({
    id: t.id,
    companyID: t.companyId,
    title: t.summary,
    description: t.description,
    externalID: t.externalRef,
    status: t.status,
  });
  const noteRows = () =>
    tickets.flatMap((t) =>
      t.notes.map((n) => ({ id: n.id, ticketID: t.id, title: n.text.split('\n')[0], description: n.text })),
    );

  const handle = (x: Exchange): Reply => {
    const path = x.path.toLowerCase();
    if (path === '/atservicesrest/v1.0/zoneinformation' && x.method === 'GET') {
      if (x.query.get('user') !== options.userName) return errors(404, 'Zone information could not be determined');
      return json(200, { zoneName: 'Simulated', url: `${origin}/atservicesrest/`, webUrl: `${origin}/`, ci: 1 });
    }
    if (!path.startsWith('/atservicesrest/v1.0/')) return errors(404, 'Not found');
    const h = x.headers;
    if (
      h.apiintegrationcode !== options.integrationCode ||
      h.username !== options.userName ||
      h.secret !== options.secret
    ) {
      return errors(401, 'Unauthorized');
    }
    const rest = path.slice('/atservicesrest/v1.0'.length);
    const company = /^\/companies\/(\d+)$/.exec(rest);
    if (company && x.method === 'GET') {
      const c = options.companies.find((co) => co.id === Number(company[1]));
      return json(200, { item: c ? { id: c.id, companyName: c.name, isActive: true } : null });
    }
    if (rest === '/tickets' && x.method === 'POST') {
      const b = ticketBody.safeParse(x.body);
      if (!b.success)
        return errors(500, `Ticket is not valid: ${b.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      if (!options.companies.some((c) => c.id === b.data.companyID))
        return errors(500, 'Value does not exist for the required field companyID.');
      const t: SimTicket = {
        id: ++seq,
        companyId: b.data.companyID,
        summary: b.data.title,
        description: b.data.description ?? '',
        externalRef: b.data.externalID ?? null,
        status: b.data.status,
        closed: complete.has(b.data.status),
        notes: [],
      };
      tickets.push(t);
      return json(200, { itemId: t.id });
    }
    if (rest === '/tickets' && x.method === 'PATCH') {
      const b = updateBody.safeParse(x.body);
      if (!b.success) return errors(500, 'The id of the ticket is required');
      const t = tickets.find((tk) => tk.id === b.data.id);
      if (!t) return errors(404, `Ticket ${b.data.id} not found`);
      if (b.data.status !== undefined) {
        t.status = b.data.status;
        t.closed = complete.has(b.data.status);
      }
      return json(200, { itemId: t.id });
    }
    if ((rest === '/tickets/query' || rest === '/ticketnotes/query') && x.method === 'POST') {
      const q = query.safeParse(x.body);
      if (!q.success) return errors(500, 'The query is not valid');
      const rows: Record<string, unknown>[] = rest === '/tickets/query' ? tickets.map(row) : noteRows();
      const found: Record<string, unknown>[] = [];
      for (const r of rows) {
        const ok = matches(r, q.data.filter);
        if (typeof ok === 'string') return errors(500, ok);
        if (ok) found.push(r);
      }
      return json(200, {
        items: found.slice(0, 500),
        pageDetails: { count: Math.min(500, found.length), requestCount: 500, prevPageUrl: null, nextPageUrl: null },
      });
    }
    const notes = /^\/tickets\/(\d+)\/notes$/.exec(rest);
    if (notes && x.method === 'POST') {
      const t = tickets.find((tk) => tk.id === Number(notes[1]));
      if (!t) return errors(404, `Ticket ${notes[1]} not found`);
      const n = noteBody.safeParse(x.body);
      if (!n.success)
        return errors(500, `Note is not valid: ${n.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      const note = { id: ++seq, text: n.data.description };
      t.notes.push(note);
      return json(200, { itemId: note.id });
    }
    return errors(404, 'Not found');
  };

  const server = await startPsaServer(handle, {
    rateLimit: options.rateLimit ?? { requests: 10_000, windowMs: 3_600_000 },
    exempt: (p) => p.toLowerCase().endsWith('/zoneinformation'),
  });
  origin = server.origin;
  return { ...server, tickets: () => tickets.map((t) => ({ ...t, notes: [...t.notes] })) };
}
