import type { ServerResponse } from 'node:http';

export type Service = 'iam' | 'sts' | 'cloudtrail' | 'logs' | 's3';
export type Protocol = 'query' | 'json' | 'rest-xml';

export const PROTOCOL: Record<Service, Protocol> = {
  iam: 'query',
  sts: 'query',
  cloudtrail: 'json',
  logs: 'json',
  s3: 'rest-xml',
};

const NAMESPACE: Record<'iam' | 'sts', string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

export const esc = (s: string | number | boolean) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `<Tag>value</Tag>`, or nothing when the value is absent. */
export const el = (tag: string, value: string | number | boolean | undefined | null) =>
  value === undefined || value === null ? '' : `<${tag}>${esc(value)}</${tag}>`;

/** A raw (already XML) child. */
export const node = (tag: string, inner: string) => `<${tag}>${inner}</${tag}>`;

export const members = (items: string[]) => items.map((i) => node('member', i)).join('');

export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let requests = 0;
const requestId = () => `00000000-0000-4000-8000-${String(++requests).padStart(12, '0')}`;

export function sendQuery(res: ServerResponse, service: 'iam' | 'sts', action: string, result: string) {
  const body = `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="${NAMESPACE[service]}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId() });
  res.end(body);
}

export function sendJson(res: ServerResponse, value: unknown) {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId() });
  res.end(JSON.stringify(value));
}

export function sendXml(res: ServerResponse, xml: string) {
  res.writeHead(200, { 'content-type': 'application/xml', 'x-amz-request-id': requestId() });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>${xml}`);
}

/** An error as each protocol spells it (the SDKs read the code from these exact places). */
export function sendError(res: ServerResponse, protocol: Protocol, service: Service, e: AwsError) {
  const id = requestId();
  if (protocol === 'json') {
    res.writeHead(e.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': id });
    res.end(JSON.stringify({ __type: e.code, message: e.message }));
    return;
  }
  if (protocol === 'query') {
    const ns = NAMESPACE[service as 'iam' | 'sts'] ?? NAMESPACE.iam;
    const type = e.status >= 500 ? 'Receiver' : 'Sender';
    res.writeHead(e.status, { 'content-type': 'text/xml', 'x-amzn-requestid': id });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type>${el('Code', e.code)}${el('Message', e.message)}</Error><RequestId>${id}</RequestId></ErrorResponse>`,
    );
    return;
  }
  res.writeHead(e.status, { 'content-type': 'application/xml', 'x-amz-request-id': id });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error>${el('Code', e.code)}${el('Message', e.message)}<RequestId>${id}</RequestId><HostId>simulated</HostId></Error>`,
  );
}

/** AWS's own words for a refused action. */
export function denied(principal: string, action: string, resource: string): AwsError {
  const status = action.startsWith('cloudtrail:') || action.startsWith('logs:') ? 400 : 403;
  const code = status === 400 ? 'AccessDeniedException' : 'AccessDenied';
  return new AwsError(
    status,
    code,
    `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  );
}
