import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { TokenEndpointError } from './auth.ts';
import type { SimTenant } from './tenants.ts';

/** Who the simulated sign-in page signs in as, and how: `amr` without `mfa` is a password-only sign-in. */
export interface SimulatedSignIn {
  email: string;
  name?: string;
  /** Stable per user unless given. */
  oid?: string;
  amr?: string[];
}

interface PendingCode {
  tenant: SimTenant;
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  user: SimulatedSignIn;
  expiresAt: number;
}

const CODE_LIFETIME_MS = 60_000;
const ID_TOKEN_LIFETIME_S = 3600;
const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * The identity platform's sign-in for web apps: authorization code with PKCE (S256 only), ID tokens signed RS256
 * with a key the JWKS publishes, and the claims Entra's v2.0 ID tokens carry (`tid`, `oid`, `preferred_username`,
 * `email`, `amr`, `nonce`). The sign-in page redirects straight back as the configured user.
 */
export class OidcProvider {
  private readonly key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly kid = randomBytes(12).toString('base64url');
  private readonly codes = new Map<string, PendingCode>();
  private next: SimulatedSignIn | null = null;

  /** The next sign-in page signs in as `user` (until changed); null shows a refusal instead. */
  signInAs(user: SimulatedSignIn | null): void {
    this.next = user;
  }

  jwks() {
    const jwk = this.key.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e }] };
  }

  /** GET /authorize: validates the request as Entra does, then redirects back with a code (or an error). */
  authorize(tenant: SimTenant | undefined, authority: string, url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    if (!tenant || !redirectUri) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<h1>Sign in</h1><p>AADSTS90002: Tenant '${escapeHtml(authority)}' not found, or no redirect URI.</p>`);
      return;
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state) back.searchParams.set('state', state);
    const refuse = (error: string, description: string) => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      res.writeHead(302, { location: back.toString() }).end();
    };
    const refusal =
      q.get('response_type') !== 'code'
        ? ['unsupported_response_type', 'AADSTS700054: code only.']
        : !q.get('client_id')
          ? ['invalid_request', "AADSTS900144: The request body must contain 'client_id'."]
          : q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')
            ? ['invalid_request', 'AADSTS501491: PKCE with S256 is required.']
            : null;
    if (refusal) {
      refuse(refusal[0]!, refusal[1]!);
      return;
    }
    if (!this.next) {
      refuse('access_denied', 'AADSTS50126: the user did not sign in.');
      return;
    }
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, {
      tenant,
      clientId: q.get('client_id')!,
      redirectUri,
      challenge: q.get('code_challenge')!,
      nonce: q.get('nonce') ?? undefined,
      user: this.next,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    back.searchParams.set('code', code);
    res.writeHead(302, { location: back.toString() }).end();
  }

  /** POST /token with `grant_type=authorization_code`: the code once, for its client, redirect URI and verifier. */
  redeem(tenant: SimTenant | undefined, authority: string, form: URLSearchParams, issuerBase: string) {
    if (!tenant) throw new TokenEndpointError(400, 'invalid_tenant', 90002, `Tenant '${authority}' not found.`);
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    const clientId = form.get('client_id');
    if (!clientId || !form.get('client_secret'))
      throw new TokenEndpointError(
        401,
        'invalid_client',
        7000218,
        "'client_assertion' or 'client_secret' is required.",
      );
    if (!pending || pending.expiresAt < Date.now() || pending.tenant !== tenant || pending.clientId !== clientId)
      throw new TokenEndpointError(
        400,
        'invalid_grant',
        70008,
        'The provided authorization code is expired or invalid.',
      );
    if (form.get('redirect_uri') !== pending.redirectUri)
      throw new TokenEndpointError(400, 'invalid_grant', 50011, 'The redirect URI does not match.');
    const verifier = form.get('code_verifier') ?? '';
    if (b64url(createHash('sha256').update(verifier).digest()) !== pending.challenge)
      throw new TokenEndpointError(
        400,
        'invalid_grant',
        501481,
        'The Code_Verifier does not match the code_challenge.',
      );
    const tid = tenant.world.tenantId;
    const now = Math.floor(Date.now() / 1000);
    const user = pending.user;
    const oid = user.oid ?? uuidFrom(`${tid}:${user.email}`);
    const claims = {
      aud: clientId,
      iss: `${issuerBase}/${tid}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + ID_TOKEN_LIFETIME_S,
      amr: user.amr ?? ['pwd', 'mfa'],
      email: user.email,
      name: user.name ?? user.email,
      ...(pending.nonce ? { nonce: pending.nonce } : {}),
      oid,
      preferred_username: user.email,
      sub: b64url(createHash('sha256').update(`${oid}:${clientId}`).digest()).slice(0, 43),
      tid,
      ver: '2.0',
    };
    const header = { typ: 'JWT', alg: 'RS256', kid: this.kid };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const idToken = `${input}.${b64url(sign('RSA-SHA256', Buffer.from(input), this.key.privateKey))}`;
    return {
      token_type: 'Bearer',
      scope: 'openid profile email',
      expires_in: ID_TOKEN_LIFETIME_S,
      ext_expires_in: ID_TOKEN_LIFETIME_S,
      access_token: randomBytes(32).toString('base64url'),
      id_token: idToken,
    };
  }
}

function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const escapeHtml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
