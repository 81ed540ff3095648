import { z } from 'zod';
import { type LazyList, slice } from './lazy-list.ts';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const DOCS = {
  rest: 'https://docs.github.com/rest',
  orgRoles: 'https://docs.github.com/rest/orgs/organization-roles',
  org: 'https://docs.github.com/rest/orgs/orgs#get-an-organization',
  members: 'https://docs.github.com/rest/orgs/members#list-organization-members',
  collaborators:
    'https://docs.github.com/rest/orgs/outside-collaborators#list-outside-collaborators-for-an-organization',
  auditLog: 'https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#get-the-audit-log-for-an-organization',
  streams:
    'https://docs.github.com/enterprise-cloud@latest/rest/enterprise-admin/audit-log#list-audit-log-stream-configurations-for-an-enterprise',
  primary: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
  sso: 'https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/',
  installation: 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app',
  secondary:
    'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
} as const;

export interface FieldError {
  resource: string;
  field: string;
  code: 'invalid' | 'missing_field';
}

/** GitHub's error body: `{ message, documentation_url, status }`, the status as a string, and field errors on a 422. */
export function githubError(
  status: number,
  message: string,
  documentationUrl: string = DOCS.rest,
  errors?: FieldError[],
): Reply {
  return {
    status,
    body: { message, ...(errors ? { errors } : {}), documentation_url: documentationUrl, status: String(status) },
  };
}

export const notFound = (docs: string = DOCS.rest) => githubError(404, 'Not Found', docs);

export const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';

/** `per_page` as GitHub reads it: 30 by default, at most 100; nonsense falls back to the default. */
export const perPage = z.coerce
  .number()
  .int()
  .catch(30)
  .transform((n) => Math.min(100, Math.max(1, n)));

export const pageQuery = z.object({ page: z.coerce.number().int().min(1).catch(1), per_page: perPage });

export function linkHeader(links: [rel: string, url: URL][]): Record<string, string> {
  if (links.length === 0) return {};
  return { link: links.map(([rel, url]) => `<${url.href}>; rel="${rel}"`).join(', ') };
}

/** A page of a lazy list with GitHub's Link header: prev/next/last/first as they apply, absolute URLs. */
export function pagedReply<T, B>(
  list: LazyList<T>,
  url: URL,
  query: z.infer<typeof pageQuery>,
  item: (t: T) => B,
): Reply {
  const { page, per_page } = query;
  const lastPage = Math.max(1, Math.ceil(list.length / per_page));
  const to = (n: number) => {
    const u = new URL(url);
    u.searchParams.set('page', String(n));
    return u;
  };
  const links: [string, URL][] = [];
  if (page > 1) links.push(['prev', to(Math.min(page - 1, lastPage))]);
  if (page < lastPage) links.push(['next', to(page + 1)], ['last', to(lastPage)]);
  if (page > 1) links.push(['first', to(1)]);
  const items = slice(list, (page - 1) * per_page, page * per_page).map(item);
  return { status: 200, body: items, headers: linkHeader(links) };
}
