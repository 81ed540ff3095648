import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedApp } from './app.ts';
import type { ConsentRegistry } from './consent.ts';
import { readBody } from './http.ts';
import type { SimTenant, TenantRegistry } from './tenants.ts';

/** Authorities that let the signed-in admin's own tenant decide, as `/organizations` and `/common` do. */
const ANY_TENANT = new Set(['organizations', 'common']);
const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

const escapeHtml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface ConsentRequest {
  app: SimulatedApp;
  redirectUri: URL;
  state: string | null;
  scope: string;
}

/** A request the page cannot serve, shown on the page itself: the redirect URI is not to be trusted with it. */
class PageError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseRequest(consents: ConsentRegistry, params: URLSearchParams, directory: string): ConsentRequest {
  const clientId = params.get('client_id');
  if (!clientId)
    throw new PageError(400, "AADSTS900144: The request body must contain the following parameter: 'client_id'.");
  const app = consents.app(clientId);
  if (!app)
    throw new PageError(
      400,
      `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  let redirectUri: URL;
  try {
    redirectUri = new URL(params.get('redirect_uri') ?? '');
  } catch {
    throw new PageError(
      400,
      `AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
    );
  }
  if (!/^https?:$/.test(redirectUri.protocol))
    throw new PageError(400, `AADSTS50011: The redirect URI '${redirectUri}' is not an http(s) address.`);
  const scope = params.get('scope');
  if (!scope) throw new PageError(400, "AADSTS900144: The request body must contain the following parameter: 'scope'.");
  return { app, redirectUri, state: params.get('state'), scope };
}

function page(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, HTML);
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Permissions requested</title></head><body>${body}</body></html>`,
  );
}

/** The page an admin of the customer sees: what the app asks for, and Accept or Cancel. */
function consentPage(
  res: ServerResponse,
  request: ConsentRequest,
  authority: string,
  tenant: SimTenant | undefined,
  choices: SimTenant[],
  permissions: readonly string[],
): void {
  const hidden = (name: string, value: string | null) =>
    value === null ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const organization = tenant
    ? `<p>Accepting grants these permissions for <strong>${escapeHtml(tenant.world.domain)}</strong>, for every user of the organization.</p>`
    : `<label>Sign in as an administrator of <select name="tenant">${choices
        .map((t) => `<option value="${escapeHtml(t.world.tenantId)}">${escapeHtml(t.world.domain)}</option>`)
        .join('')}</select></label>`;
  page(
    res,
    200,
    `<h1>Permissions requested</h1><p><strong>${escapeHtml(request.app.displayName)}</strong> would like to:</p><ul>${permissions
      .map((p) => `<li>${escapeHtml(p)} (application)</li>`)
      .join(
        '',
      )}</ul><form method="post" action="/${encodeURIComponent(authority)}/v2.0/adminconsent">${hidden('client_id', request.app.clientId)}${hidden('redirect_uri', request.redirectUri.toString())}${hidden('state', request.state)}${hidden('scope', request.scope)}${organization}<button type="submit" name="decision" value="accept">Accept</button> <button type="submit" name="decision" value="cancel">Cancel</button></form>`,
  );
}

/**
 * `GET /{tenant|organizations|common}/v2.0/adminconsent`: the admin-consent page; `POST` to it: the admin's answer,
 * remembered, then a redirect to `redirect_uri` with `admin_consent=True`, or `error=access_denied` (AADSTS65004).
 */
export async function handleAdminConsent(
  consents: ConsentRegistry,
  tenants: TenantRegistry,
  authority: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const any = ANY_TENANT.has(authority.toLowerCase());
  const named = any ? undefined : tenants.resolve(authority);
  try {
    if (!any && !named) throw new PageError(400, `AADSTS90002: Tenant '${authority}' not found.`);
    if (req.method === 'GET') {
      const request = parseRequest(consents, url.searchParams, named?.world.domain ?? authority);
      return consentPage(res, request, authority, named, consents.choices(), consents.permissions());
    }
    if (req.method !== 'POST')
      throw new PageError(405, 'AADSTS900561: The endpoint only accepts GET and POST requests.');
    const form = new URLSearchParams(await readBody(req));
    const request = parseRequest(consents, form, named?.world.domain ?? authority);
    const back = request.redirectUri;
    if (form.get('decision') !== 'accept') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_subcode', 'cancel');
      back.searchParams.set('error_description', 'AADSTS65004: User declined to consent to access the app.');
    } else {
      const tenant = named ?? tenants.resolve(form.get('tenant') ?? '');
      if (!tenant) throw new PageError(400, `AADSTS90002: Tenant '${form.get('tenant') ?? ''}' not found.`);
      consents.grant(request.app, tenant);
      back.searchParams.set('admin_consent', 'True');
      back.searchParams.set('tenant', tenant.world.tenantId);
      back.searchParams.set(
        'scope',
        consents
          .permissions()
          .map((p) => `https://graph.microsoft.com/${p}`)
          .join(' '),
      );
    }
    if (request.state !== null) back.searchParams.set('state', request.state);
    res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' }).end();
  } catch (e) {
    if (!(e instanceof PageError)) throw e;
    page(
      res,
      e.status,
      `<h1>Sign in</h1><p>Sorry, but we’re having trouble signing you in.</p><p>${escapeHtml(e.message)}</p>`,
    );
  }
}
