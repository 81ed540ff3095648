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

export interface ConnectWiseOptions {
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  companies: SimCompany[];
  boards?: number[];
  /** Status ids; the closed ones set `closedFlag`. */
  statuses?: { id: number; name: string; closed: boolean }[];
  rateLimit?: RateLimit;
}

const ticketBody = z.object({
  summary: z.string().min(1).max(100),
  initialDescription: z.string().max(8000).optional(),
  board: z.object({ id: z.number().int() }),
  company: z.object({ id: z.number().int() }),
  externalXRef: z.string().max(100).optional(),
});
const noteBody = z.object({
  text: z.string().min(1),
  detailDescriptionFlag: z.boolean().optional(),
  internalAnalysisFlag: z.boolean().optional(),
  resolutionFlag: z.boolean().optional(),
});
const patchBody = z.array(z.object({ op: z.enum(['replace', 'add']), path: z.string(), value: z.unknown() })).min(1);

const invalid = (message: string, errors: { code: string; message: string; field?: string }[] = []): Reply =>
  json(400, { code: 'InvalidObject', message, errors });
const notFound = (what: string): Reply => json(404, { code: 'NotFound', message: `${what} not found` });

/** `field="text"`, `field=123` or `field=false` joined by `and`: the subset of ConnectWise conditions used here. */
function parseConditions(text: string): ((t: SimTicket) => boolean) | null {
  const tests: ((t: SimTicket) => boolean)[] = [];
  for (const clause of text.split(/\s+and\s+/i)) {
    const m = /^\s*([A-Za-z/]+)\s*=\s*(?:"([^"]*)"|(\d+)|(true|false))\s*$/.exec(clause);
    if (!m) return null;
    const [, field, s, n, b] = m;
    const value: unknown = s ?? (n !== undefined ? Number(n) : b === 'true');
    const get: Record<string, (t: SimTicket) => unknown> = {
      externalXRef: (t) => t.externalRef,
      closedFlag: (t) => t.closed,
      'company/id': (t) => t.companyId,
      id: (t) => t.id,
    };
    const g = get[field!];
    if (!g) return null;
    tests.push((t) => g(t) === value);
  }
  return (t) => tests.every((f) => f(t));
}

/**
 * ConnectWise PSA (Manage) REST 3.0 on loopback: `/{codebase}/apis/3.0/...` with Basic auth of
 * `company+publicKey:privateKey` and the `clientId` header; companies, tickets with `conditions`, JSON-Patch
 * updates and notes (the initial description is the ticket's first note, as in ConnectWise).
 */
export async function startConnectWiseSimulator(options: ConnectWiseOptions): Promise<PsaSimulator> {
  const boards = new Set(options.boards ?? [1]);
  const statuses = options.statuses ?? [
    { id: 1, name: 'New', closed: false },
    { id: 2, name: 'In Progress', closed: false },
    { id: 6, name: 'Closed (resolved)', closed: true },
  ];
  const tickets: SimTicket[] = [];
  let seq = 1000;
  const expected = `Basic ${Buffer.from(`${options.companyId}+${options.publicKey}:${options.privateKey}`).toString('base64')}`;
  const company = (id: number) => options.companies.find((c) => c.id === id);
  const view = (t: SimTicket) => {
    const c = company(t.companyId)!;
    const s = statuses.find((x) => x.id === t.status)!;
    return {
      id: t.id,
      summary: t.summary,
      board: { id: [...boards][0] },
      company: { id: c.id, identifier: c.identifier, name: c.name },
      status: { id: s.id, name: s.name },
      closedFlag: t.closed,
      externalXRef: t.externalRef ?? undefined,
    };
  };
  const noteView = (t: SimTicket, n: SimTicket['notes'][number]) => ({
    id: n.id,
    ticketId: t.id,
    text: n.text,
    detailDescriptionFlag: true,
    internalAnalysisFlag: false,
  });

  const handle = (x: Exchange): Reply => {
    const m = /^\/[A-Za-z0-9_]+\/apis\/3\.0(\/.*)$/.exec(x.path);
    if (!m) return notFound('Resource');
    if (x.headers.authorization !== expected) return json(401, { code: 'Unauthorized', message: 'Unauthorized' });
    if (x.headers.clientid !== options.clientId) {
      return json(401, { code: 'Unauthorized', message: 'A valid clientId header is required' });
    }
    const path = m[1]!;
    if (x.method === 'GET' && path === '/company/companies') {
      const cond = x.query.get('conditions') ?? '';
      const id = /^identifier\s*=\s*"([^"]*)"$/.exec(cond.trim());
      if (cond && !id) return invalid('conditions are not supported by this simulator');
      return json(
        200,
        options.companies.filter((c) => !id || c.identifier === id[1]).map((c) => ({ ...c })),
      );
    }
    const companyById = /^\/company\/companies\/(\d+)$/.exec(path);
    if (x.method === 'GET' && companyById) {
      const c = company(Number(companyById[1]));
      return c ? json(200, { ...c }) : notFound('Company');
    }
    if (path === '/service/tickets' && x.method === 'GET') {
      const test = parseConditions(x.query.get('conditions') ?? 'closedFlag=false or closedFlag=true');
      if (!test && x.query.get('conditions')) return invalid('The conditions are not valid');
      return json(200, tickets.filter((t) => !test || test(t)).map(view));
    }
    if (path === '/service/tickets' && x.method === 'POST') {
      const b = ticketBody.safeParse(x.body);
      if (!b.success) return invalid('Ticket object is invalid', [{ code: 'InvalidObject', message: b.error.message }]);
      if (!boards.has(b.data.board.id))
        return invalid('Board not found', [{ code: 'InvalidObject', message: 'board', field: 'board' }]);
      if (!company(b.data.company.id))
        return invalid('Company not found', [{ code: 'InvalidObject', message: 'company', field: 'company' }]);
      const t: SimTicket = {
        id: ++seq,
        companyId: b.data.company.id,
        summary: b.data.summary,
        description: b.data.initialDescription ?? '',
        externalRef: b.data.externalXRef ?? null,
        status: statuses[0]!.id,
        closed: false,
        notes: b.data.initialDescription ? [{ id: ++seq, text: b.data.initialDescription }] : [],
      };
      tickets.push(t);
      return json(201, view(t));
    }
    const one = /^\/service\/tickets\/(\d+)(\/notes)?$/.exec(path);
    const t = one && tickets.find((x) => x.id === Number(one[1]));
    if (!one || !t) return notFound('Ticket');
    if (!one[2] && x.method === 'GET') return json(200, view(t));
    if (!one[2] && x.method === 'PATCH') {
      const p = patchBody.safeParse(x.body);
      if (!p.success) return invalid('The patch is not a JSON-Patch array');
      for (const op of p.data) {
        if (op.path.replace(/^\//, '') !== 'status')
          return invalid(`Patching ${op.path} is not supported by this simulator`);
        const s = statuses.find((st) => st.id === (op.value as { id?: unknown })?.id);
        if (!s) return invalid('Status not found', [{ code: 'InvalidObject', message: 'status', field: 'status' }]);
        t.status = s.id;
        t.closed = s.closed;
      }
      return json(200, view(t));
    }
    if (one[2] && x.method === 'GET')
      return json(
        200,
        t.notes.map((n) => noteView(t, n)),
      );
    if (one[2] && x.method === 'POST') {
      const n = noteBody.safeParse(x.body);
      if (!n.success) return invalid('Note object is invalid');
      if (!n.data.detailDescriptionFlag && !n.data.internalAnalysisFlag && !n.data.resolutionFlag) {
        return invalid('One of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true');
      }
      const note = { id: ++seq, text: n.data.text };
      t.notes.push(note);
      return json(201, noteView(t, note));
    }
    return json(405, { code: 'MethodNotAllowed', message: 'Method not allowed' });
  };

  const server = await startPsaServer(handle, { rateLimit: options.rateLimit ?? { requests: 60, windowMs: 60_000 } });
  return { ...server, tickets: () => tickets.map((t) => ({ ...t, notes: [...t.notes] })) };
}
