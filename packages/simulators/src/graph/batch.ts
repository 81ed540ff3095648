import type { IncomingMessage } from 'node:http';
import type { Endpoint } from './endpoint.ts';
import { errorBody, errors, GraphHttpError } from './errors.ts';
import { parseQuery } from './query.ts';
import type { SimState } from './state.ts';
import type { SimTenant } from './tenants.ts';

/** `POST /v1.0/$batch` or `/beta/$batch`: up to 20 requests in one, each answered on its own. */
export const BATCH = /^\/(v1\.0|beta)\/\$batch\/?$/i;
export const BATCH_LIMIT = 20;

export const batchEndpoint: Endpoint = {
  api: 'graph',
  path: '/$batch',
  family: 'none',
  handle: () => ({}),
};

interface SubRequest {
  id?: unknown;
  method?: unknown;
  url?: unknown;
}

/** What each request of a batch needs from the pipeline: throttles, permissions and licence, as if sent alone. */
export interface Gate {
  admit(endpoint: Endpoint, query: ReturnType<typeof parseQuery>): Record<string, string>;
  authorize(endpoint: Endpoint, query: ReturnType<typeof parseQuery>, url: URL): void;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw errors.badRequest('Unable to deserialize the batch request body.');
  }
}

export async function runBatch(
  state: SimState,
  tenant: SimTenant,
  req: IncomingMessage,
  url: URL,
  origin: string,
  gate: Gate,
): Promise<object> {
  const version = BATCH.exec(url.pathname)![1]!;
  const body = (await readJson(req)) as { requests?: SubRequest[] };
  const requests = body.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw errors.badRequest('Invalid batch payload format.');
  if (requests.length > BATCH_LIMIT) {
    throw errors.badRequest(`Number of batch request steps exceeds the maximum of ${BATCH_LIMIT}.`);
  }
  const responses = requests.map((r) => {
    const id = String(r.id ?? '');
    const path = typeof r.url === 'string' ? r.url : '';
    const sub = new URL(`${origin}/${version}${path.startsWith('/') ? '' : '/'}${path}`);
    const match = state.router.match(sub.pathname);
    const name = match.kind === 'found' ? match.endpoint.path : '(unknown)';
    try {
      if (match.kind === 'unknown') throw errors.noSegment(match.segment);
      if (String(r.method ?? '').toUpperCase() !== 'GET') throw errors.methodNotAllowed();
      const query = parseQuery(sub.searchParams);
      const extra = gate.admit(match.endpoint, query);
      gate.authorize(match.endpoint, query, sub);
      const answer = match.endpoint.handle({ tenant, url: sub, origin, params: match.params, query });
      state.accounting.request('graph', tenant.name, name, true);
      return { id, status: 200, headers: { 'content-type': 'application/json', ...extra }, body: answer };
    } catch (e) {
      if (!(e instanceof GraphHttpError)) throw e;
      state.accounting.request('graph', tenant.name, name, false);
      return { id, status: e.status, headers: e.headers, body: errorBody('graph', e, id, undefined) };
    }
  });
  return { responses };
}
