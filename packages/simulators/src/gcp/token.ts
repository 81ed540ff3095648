import { randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { SimulatedAccount } from './credentials.ts';

/** The audience Google's libraries put in the assertion, whatever host the token request is sent to. */
export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google's access tokens live an hour. */
export const ACCESS_TOKEN_SECONDS = 3_599;

const TIMEFRAME =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

/** The access tokens the token endpoint issued, and until when each is good. */
export class AccessTokens {
  private readonly issued = new Map<string, number>();

  issue(nowMs: number): string {
    const token = `ya29.${randomBytes(24).toString('base64url')}`;
    this.issued.set(token, nowMs + ACCESS_TOKEN_SECONDS * 1000);
    return token;
  }

  live(token: string, nowMs: number): boolean {
    return (this.issued.get(token) ?? 0) > nowMs;
  }

  get count(): number {
    return this.issued.size;
  }
}

type TokenReply = { status: number; body: Record<string, unknown> };
const refused = (error: string, description: string): TokenReply => ({
  status: 400,
  body: { error, error_description: description },
});

const json = (part: string | undefined): Record<string, unknown> | undefined => {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString());
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Google's OAuth token endpoint for a service account's JWT grant (RFC 7523): the assertion must be signed by the
 * account's key, issued by its email, for Google's token audience, with a scope and at most an hour of life.
 * Refusals carry Google's `error` codes and descriptions (`invalid_grant: Invalid JWT Signature.`).
 */
export function exchange(form: URLSearchParams, account: SimulatedAccount, tokens: AccessTokens, nowMs: number) {
  const grantType = form.get('grant_type');
  if (grantType !== JWT_BEARER) return refused('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  const [header, payload, signature] = (form.get('assertion') ?? '').split('.');
  const claims = json(payload);
  if (json(header)?.alg !== 'RS256' || !claims || signature === undefined)
    return refused('invalid_grant', 'Invalid JWT');
  if (claims.iss !== account.key.client_email) return refused('invalid_grant', 'Invalid grant: account not found');
  const data = Buffer.from(`${header}.${payload}`);
  if (!verify('sha256', data, account.publicKey, Buffer.from(signature, 'base64url'))) {
    return refused('invalid_grant', 'Invalid JWT Signature.');
  }
  const now = Math.floor(nowMs / 1000);
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= now || iat > now + 60 || exp - iat > 3_600) {
    return refused('invalid_grant', TIMEFRAME);
  }
  if (claims.aud !== GOOGLE_TOKEN_AUDIENCE) return refused('invalid_grant', 'Invalid JWT: audience mismatch.');
  if (typeof claims.scope !== 'string' || claims.scope === '')
    return refused('invalid_scope', 'Empty or missing scope not allowed.');
  const reply: TokenReply = {
    status: 200,
    body: { access_token: tokens.issue(nowMs), expires_in: ACCESS_TOKEN_SECONDS, token_type: 'Bearer' },
  };
  return reply;
}

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** `POST /token` over plain HTTP on loopback, as `oauth2.googleapis.com` answers it. */
export async function startTokenEndpoint(
  host: string,
  account: SimulatedAccount,
  tokens: AccessTokens,
  clock: () => number,
): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const answer = async (): Promise<TokenReply> => {
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/token') {
        return { status: 404, body: { error: 'not_found' } };
      }
      return exchange(await form(req), account, tokens, clock());
    };
    answer()
      .then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('the token endpoint is not bound to a TCP port');
  return { origin: `http://${host}:${bound.port}`, server };
}
