import { randomBytes, verify } from 'node:crypto';
import type { SimulatedAccount } from '../gcp/credentials.ts';
import type { WorkspaceWorld } from './world.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const AUDIENCE = 'https://oauth2.googleapis.com/token';
/** Google's words when domain-wide delegation does not grant the client every scope it asked for. */
export const UNAUTHORIZED_CLIENT =
  'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.';

export interface Grant {
  subject: string | undefined;
  scopes: string[];
  expiresAt: number;
}

export type TokenReply = { status: number; body: Record<string, unknown> };

const refused = (status: number, error: string, description: string): TokenReply => ({
  status,
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
 * The token endpoint of a service account acting for a Workspace user (domain-wide delegation): a bad signature is
 * `invalid_grant`, an unknown subject `invalid_grant: Invalid email or User ID`, and any scope the customer's
 * delegation does not grant `unauthorized_client`, as Google answers them.
 */
export function exchange(
  form: URLSearchParams,
  account: SimulatedAccount,
  world: WorkspaceWorld,
  isUser: (email: string) => boolean,
  grants: Map<string, Grant>,
  nowMs: number,
): TokenReply {
  if (form.get('grant_type') !== JWT_BEARER) return refused(400, 'unsupported_grant_type', 'Invalid grant_type');
  const [header, payload, signature] = (form.get('assertion') ?? '').split('.');
  const claims = json(payload);
  if (json(header)?.alg !== 'RS256' || !claims || signature === undefined)
    return refused(400, 'invalid_grant', 'Invalid JWT');
  if (claims.iss !== account.key.client_email) return refused(400, 'invalid_grant', 'Invalid grant: account not found');
  if (!verify('sha256', Buffer.from(`${header}.${payload}`), account.publicKey, Buffer.from(signature, 'base64url')))
    return refused(400, 'invalid_grant', 'Invalid JWT Signature.');
  const now = Math.floor(nowMs / 1000);
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= now || exp - iat > 3_600)
    return refused(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes).');
  if (claims.aud !== AUDIENCE) return refused(400, 'invalid_grant', 'Invalid JWT: audience mismatch.');
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
  if (scopes.length === 0) return refused(400, 'invalid_scope', 'Empty or missing scope not allowed.');
  const subject = typeof claims.sub === 'string' ? claims.sub.toLowerCase() : undefined;
  if (subject !== undefined) {
    if (!isUser(subject)) return refused(400, 'invalid_grant', 'Invalid email or User ID');
    if (!scopes.every((s) => world.delegatedScopes.includes(s)))
      return refused(401, 'unauthorized_client', UNAUTHORIZED_CLIENT);
  }
  const token = `ya29.${randomBytes(24).toString('base64url')}`;
  grants.set(token, { subject, scopes, expiresAt: nowMs + 3_599_000 });
  return { status: 200, body: { access_token: token, expires_in: 3_599, token_type: 'Bearer' } };
}
