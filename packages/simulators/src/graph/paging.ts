import { z } from 'zod';
import { errors } from './errors.ts';
import type { ODataQuery } from './query.ts';

/**
 * Page sizes per collection, as the real service has them: directory objects default to 100 and take `$top` up to
 * 999; sign-ins default to and cap at 1,000. Where Microsoft documents no cap (registration details, directory
 * audits, policies, role assignments) the directory-object limits are used.
 */
export interface PageSizes {
  default: number;
  max: number;
}

export const DIRECTORY_PAGES: PageSizes = { default: 100, max: 999 };
export const SIGN_IN_PAGES: PageSizes = { default: 1000, max: 1000 };

const skiptoken = z.object({ o: z.number().int().nonnegative() });

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    return skiptoken.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).o;
  } catch {
    throw errors.badRequest('The skip token is invalid or has expired.', 'Request_BadRequest');
  }
}

interface PageRequest {
  offset: number;
  size: number;
}

function pageRequest(q: ODataQuery, sizes: PageSizes): PageRequest {
  if (q.top !== undefined && (q.top < 1 || q.top > sizes.max))
    throw errors.unsupportedQuery(
      `Invalid page size specified: '${q.top}'. Must be between 1 and ${sizes.max} inclusive.`,
    );
  return { offset: q.skiptoken === undefined ? 0 : decodeToken(q.skiptoken), size: q.top ?? sizes.default };
}

export interface CollectionPage<T> {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: T[];
}

/**
 * One page of a collection of `total` items made by `itemAt`. The next link is absolute and repeats the request's
 * own query with a new `$skiptoken`, as Graph's does.
 */
export function page<T>(
  url: URL,
  origin: string,
  context: string,
  total: number,
  sizes: PageSizes,
  q: ODataQuery,
  itemAt: (i: number) => T,
): CollectionPage<T> {
  const { offset, size } = pageRequest(q, sizes);
  const end = Math.min(total, offset + size);
  const value: T[] = [];
  for (let i = offset; i < end; i++) value.push(itemAt(i));
  const contextUrl = `${origin}/v1.0/$metadata#${context}`;
  if (end >= total) return { '@odata.context': contextUrl, value };
  return { '@odata.context': contextUrl, '@odata.nextLink': nextLink(url, origin, end), value };
}

function nextLink(url: URL, origin: string, offset: number): string {
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((p) => p.length > 0 && !/^(\$|%24)skiptoken=/i.test(p));
  kept.push(`$skiptoken=${encodeToken(offset)}`);
  return `${origin}${url.pathname}?${kept.join('&')}`;
}
