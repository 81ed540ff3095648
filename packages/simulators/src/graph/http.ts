import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKind } from './errors.ts';

const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

const AGS_DIAGNOSTIC = JSON.stringify({
  ServerInfo: { DataCenter: 'Local', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'SIM' },
});

export interface ResponseIds {
  requestId: string;
  clientRequestId: string | undefined;
}

/** The headers every answer of the API carries. */
export function baseHeaders(api: ApiKind, ids: ResponseIds): Record<string, string> {
  if (api === 'arm')
    return {
      'content-type': 'application/json; charset=utf-8',
      'x-ms-request-id': ids.requestId,
      'x-ms-correlation-request-id': ids.clientRequestId ?? ids.requestId,
      'x-ms-ratelimit-remaining-tenant-reads': '249',
      'cache-control': 'no-cache',
    };
  return {
    'content-type': GRAPH_JSON,
    'odata-version': '4.0',
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId ?? ids.requestId,
    'x-ms-ags-diagnostic': AGS_DIAGNOSTIC,
    'strict-transport-security': 'max-age=31536000',
    'cache-control': 'no-cache',
  };
}

/** Writes a JSON answer. `truncate` sends valid headers and a well-framed body that stops halfway through the JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
  truncate = false,
): void {
  const text = JSON.stringify(body);
  if (truncate) {
    res.writeHead(status, headers);
    res.end(text.slice(0, Math.floor(text.length / 2)));
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads a small request body (a token request); larger bodies are cut off. */
export async function readBody(req: IncomingMessage, limit = 65_536): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) break;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '');
  return m?.[1];
}
