import { checkUrl, egressDispatcher, NO_OVERRIDES } from '@evident/connector-kit';
import { ConflictError, type OrganizationId, UnauthenticatedError } from '@evident/core';
import { sha256 } from '@evident/db';
import * as client from 'openid-client';
import type { Context } from '../context.ts';
import { auditedAs, writeAudit } from '../services/audit.ts';
import { passkeyRequired } from './passkey-policy.ts';
import { randomToken } from './secrets.ts';
import { startSession } from './sessions.ts';

export const MICROSOFT = 'https://login.microsoftonline.com';
const FLOW_MS = 10 * 60_000;
const PURPOSE = 'sso.microsoft';
const CALLBACK = '/sso/callback';

/** The organization's Microsoft sign-in: its tenant's issuer, reached only through the egress policy. */
async function configuration(ctx: Context, org: OrganizationId) {
  const { store, egress } = ctx.deps;
  const settings = (await store.staffAuthSettings(org)).sso;
  const secret = await store.readSsoClientSecret(org);
  if (!settings || !secret) throw new ConflictError('Sign in with Microsoft is not set up for this organization');
  const authority = settings.authority ? checkUrl(egress ?? NO_OVERRIDES, 'authority', settings.authority) : MICROSOFT;
  const dispatcher = egressDispatcher(egress ?? NO_OVERRIDES, ctx.deps.ssoCaCert ? { ca: ctx.deps.ssoCaCert } : {});
  const fetchThrough: client.CustomFetch = (url, options) => fetch(url, { ...options, dispatcher } as RequestInit);
  const issuer = new URL(`${authority}/${settings.tenantId}/v2.0`);
  const config = await client
    .discovery(issuer, settings.clientId, secret, client.ClientSecretPost(secret), {
      [client.customFetch]: fetchThrough,
      ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
    })
    .catch((cause: unknown) => {
      throw new UnauthenticatedError(
        `Microsoft did not answer for tenant ${settings.tenantId}: check the tenant id in Settings → Security`,
        { cause },
      );
    });
  config[client.customFetch] = fetchThrough;
  return { config, settings };
}

function redirectUri(ctx: Context): string {
  if (!ctx.deps.publicOrigin) throw new ConflictError('Sign in with Microsoft needs the deployment’s public origin');
  return new URL(CALLBACK, ctx.deps.publicOrigin).toString();
}

/** Starts the code flow: PKCE verifier, state and nonce kept under the browser's ceremony cookie, used once. */
export async function startMicrosoftSignIn(ctx: Context, org: OrganizationId): Promise<{ url: string }> {
  if (!ctx.res.setFlow) throw new ConflictError('this host cannot run Sign in with Microsoft');
  const { config } = await configuration(ctx, org);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(ctx),
    scope: 'openid profile email',
    response_mode: 'query',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const token = randomToken();
  const at = ctx.deps.now();
  await ctx.deps.store.putAuthFlow(
    {
      keyHash: sha256(`${PURPOSE}:${token}`),
      purpose: PURPOSE,
      data: { org, verifier, state, nonce },
      expiresAt: new Date(at.getTime() + FLOW_MS),
    },
    at,
  );
  ctx.res.setFlow(token, FLOW_MS);
  return { url: url.toString() };
}

const otherTenant = (tenantId: string) => `the account is not of this organization's Microsoft tenant (${tenantId})`;

/** Entra's issuer names the tenant, so an ID token of another tenant fails openid-client's issuer check first. */
function issuerMismatch(error: unknown): boolean {
  // openid-client's ClientError around oauth4webapi's, whose `cause` names the claim that differed.
  type Failure = { code?: unknown; cause?: Failure & { claim?: unknown } } | null;
  const e = error as Failure;
  return e?.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && e.cause?.cause?.claim === 'iss';
}

const refused = (why: string) => new UnauthenticatedError(`Sign in with Microsoft was refused: ${why}`);

/**
 * The redirect back: the flow this browser started (once), the code redeemed with its verifier, the ID token's
 * issuer, audience, nonce and tenant checked. Microsoft's MFA counts only when `amr` says `mfa`.
 */
export async function finishMicrosoftSignIn(ctx: Context, callbackUrl: string): Promise<void> {
  const token = ctx.req.flowToken;
  const flow = token ? await ctx.deps.store.takeAuthFlow(sha256(`${PURPOSE}:${token}`), PURPOSE, ctx.deps.now()) : null;
  ctx.res.setFlow?.(null, 0);
  if (!flow) throw refused('this sign-in was not started in this browser, was used already, or expired');
  const org = flow.org as OrganizationId;
  const { config, settings } = await configuration(ctx, org);
  const callback = new URL(callbackUrl);
  if (callback.origin + callback.pathname !== redirectUri(ctx)) throw refused('the answer came to another address');
  const error = callback.searchParams.get('error_description');
  if (error) throw refused(`Microsoft said: ${error.slice(0, 300)}`);
  const tokens = await client
    .authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: String(flow.verifier),
      expectedState: String(flow.state),
      expectedNonce: String(flow.nonce),
      idTokenExpected: true,
    })
    .catch((cause: unknown) => {
      const why = issuerMismatch(cause) ? otherTenant(settings.tenantId) : 'the answer did not check out';
      throw new UnauthenticatedError(`Sign in with Microsoft was refused: ${why}`, { cause });
    });
  const claims = tokens.claims();
  if (!claims || String(claims.tid ?? '').toLowerCase() !== settings.tenantId)
    throw refused(otherTenant(settings.tenantId));
  const email = String(claims.email ?? claims.preferred_username ?? '').toLowerCase();
  if (!email) throw refused('Microsoft did not say which e-mail address signed in');
  const { store } = ctx.deps;
  const who = (actor: string) => ({ organizationId: org, actor, address: ctx.req.address });
  let user = await store.findUserByEmail(org, email);
  if (!user && settings.jitRole) {
    const role = settings.jitRole;
    user = await store.transaction(async (tx) => {
      const created = await tx.createUser(org, { email, role });
      await writeAudit(tx, who(created.id), {
        action: 'staff.join',
        target: created.id,
        data: { role, via: 'sso.microsoft' },
      });
      return created;
    });
  }
  if (!user) throw refused(`${email} has no staff account here; ask an admin to invite you`);
  if (user.disabled) throw refused(`${email} is disabled`);
  const amr = Array.isArray(claims.amr) ? claims.amr.map(String) : [];
  const mfa = amr.includes('mfa') && !(await passkeyRequired(ctx, user));
  const signedIn = user;
  await auditedAs(
    store,
    who(user.id),
    (tx) => startSession({ ...ctx, deps: { ...ctx.deps, store: tx } }, signedIn, mfa, mfa ? 'idp_mfa' : null),
    () => ({
      action: mfa ? 'auth.sign_in' : 'auth.password_accepted',
      target: null,
      data: { method: 'sso.microsoft', amr: amr.join(' ') },
    }),
  );
}
