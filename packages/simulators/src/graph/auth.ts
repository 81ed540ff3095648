import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AssertionProblem, checkAssertion, secretMatches } from './app.ts';
import type { ConsentRegistry } from './consent.ts';
import type { SimTenant } from './tenants.ts';

export type Audience = 'graph' | 'arm';

export interface IssuedToken {
  tenant: string;
  audience: Audience;
  clientId: string;
  /** The application permissions the app holds in the tenant. */
  roles: readonly string[];
  expiresAt: number;
}

const LIFETIME_S = 3599;

const RESOURCES: Record<string, Audience> = {
  'https://graph.microsoft.com': 'graph',
  'https://management.azure.com': 'arm',
  'https://management.core.windows.net': 'arm',
};

const tokenRequest = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().min(1),
  scope: z.string().min(1),
  client_secret: z.string().min(1).optional(),
  client_assertion: z.string().min(1).optional(),
  client_assertion_type: z.string().optional(),
});

/** An Entra ID token-endpoint failure, in its own body shape (not Graph's). */
export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    message: string,
  ) {
    super(message);
  }

  body() {
    return {
      error: this.error,
      error_description: `AADSTS${this.aadsts}: ${this.message} Trace ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [this.aadsts],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    };
  }
}

const ASSERTION_REFUSALS: Record<AssertionProblem, [number, string]> = {
  malformed: [700027, 'Client assertion contains an invalid signature. The assertion is not a JWT.'],
  signature: [
    700027,
    'Client assertion failed signature validation. Thumbprint of key used by client: %. Please visit the Microsoft Graph Explorer and query for the application registration to see the configured keys.',
  ],
  claims: [
    700027,
    "Client assertion contains an invalid claim: 'iss' and 'sub' must be the client id and 'aud' this token endpoint.",
  ],
  expired: [700024, 'Client assertion is not within its valid time range.'],
};

/** Issues client-credential tokens and maps each back to its tenant, audience and the app's permissions there. */
export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly consents: ConsentRegistry) {}

  /**
   * Refuses a client Entra would refuse: an app the simulator does not know, a wrong secret, an assertion the
   * registered certificate did not sign, or an app with no service principal (admin consent) in the tenant.
   */
  private async authenticate(tenant: SimTenant, req: z.infer<typeof tokenRequest>, endpoint: string) {
    const app = this.consents.app(req.client_id);
    if (!app)
      throw new TokenEndpointError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${req.client_id}' was not found in the directory '${tenant.world.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    if (req.client_secret !== undefined && !secretMatches(app, req.client_secret))
      throw new TokenEndpointError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    if (req.client_assertion !== undefined) {
      const { problem, thumbprint } = await checkAssertion(app, req.client_assertion, endpoint);
      if (problem) {
        const [code, message] = ASSERTION_REFUSALS[problem];
        throw new TokenEndpointError(401, 'invalid_client', code, message.replace('%', `'${thumbprint}'`));
      }
    }
    const roles = this.consents.roles(app, tenant);
    if (!roles)
      throw new TokenEndpointError(
        400,
        'invalid_client',
        7000229,
        `The client application ${app.clientId} is missing service principal in the tenant ${tenant.world.tenantId}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
      );
    return roles;
  }

  async issue(tenant: SimTenant | undefined, authority: string, form: URLSearchParams, endpoint: string) {
    if (!tenant) throw new TokenEndpointError(400, 'invalid_tenant', 90002, `Tenant '${authority}' not found.`);
    const parsed = tokenRequest.safeParse(Object.fromEntries(form));
    if (!parsed.success) {
      const grant = form.get('grant_type');
      if (grant && grant !== 'client_credentials')
        throw new TokenEndpointError(
          400,
          'unsupported_grant_type',
          70003,
          `The grant type '${grant}' is not supported.`,
        );
      throw new TokenEndpointError(
        400,
        'invalid_request',
        900144,
        'The request body must contain client_id and scope.',
      );
    }
    const req = parsed.data;
    if (!req.client_secret && !req.client_assertion)
      throw new TokenEndpointError(
        401,
        'invalid_client',
        7000216,
        "'client_assertion' or 'client_secret' is required.",
      );
    const roles = await this.authenticate(tenant, req, endpoint);
    const resource = req.scope
      .split(' ')
      .find((s) => s.endsWith('/.default'))
      ?.replace(/\/*\.default$/, '');
    const audience = resource === undefined ? undefined : RESOURCES[resource];
    if (!audience)
      throw new TokenEndpointError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${req.scope} is not valid.`,
      );
    const expiresAt = Date.now() + LIFETIME_S * 1000;
    const token = jwtShaped(tenant, audience, req.client_id, roles, expiresAt);
    this.tokens.set(token, { tenant: tenant.name, audience, clientId: req.client_id, roles, expiresAt });
    return { token_type: 'Bearer', expires_in: LIFETIME_S, ext_expires_in: LIFETIME_S, access_token: token };
  }

  resolve(token: string): IssuedToken | undefined {
    return this.tokens.get(token);
  }
}

/** Looks like an Entra access token so tools that peek at claims work; only the issuer's own map makes it valid. */
function jwtShaped(
  tenant: SimTenant,
  audience: Audience,
  clientId: string,
  roles: readonly string[],
  expiresAt: number,
): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: audience === 'graph' ? 'https://graph.microsoft.com' : 'https://management.azure.com',
    tid: tenant.world.tenantId,
    appid: clientId,
    roles,
    iat: now,
    nbf: now,
    exp: Math.floor(expiresAt / 1000),
  };
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(claims)}.${randomBytes(32).toString('base64url')}`;
}

export function openIdConfiguration(origin: string, authority: string) {
  const base = `${origin}/${authority}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
  };
}
