import type { ApiKind } from './errors.ts';
import type { Requirement } from './permissions.ts';
import type { ODataQuery } from './query.ts';
import type { SimTenant } from './tenants.ts';
import type { ThrottleFamily } from './throttling.ts';

export interface RequestContext {
  tenant: SimTenant;
  url: URL;
  /** `https://host:port` as the client addressed the simulator; next links and contexts are built on it. */
  origin: string;
  params: Record<string, string>;
  query: ODataQuery;
}

/** One resource the simulator serves: where it lives, what it costs and needs, and how it answers. */
export interface Endpoint {
  api: ApiKind;
  /** Path template (`/v1.0/groups/{id}/transitiveMembers`); also the endpoint's name in the accounting. */
  path: string;
  family: ThrottleFamily;
  /** Resource units, for the identity family. */
  cost?: (q: ODataQuery) => number;
  /** Graph application permissions needed. */
  permissions?: Requirement | ((q: ODataQuery) => Requirement);
  /** The Azure RBAC action needed (ARM endpoints). */
  armAction?: string;
  /** Needs an Entra ID P1 or P2 licence; `governance`: P2 (or Governance), as PIM does. */
  premium?: boolean | 'governance' | ((q: ODataQuery) => boolean);
  handle(ctx: RequestContext): object;
}

/** The identity family's cost rule: a base cost, one less with `$select`, one less with `$top` under 20. */
export function identityCost(base: number): (q: ODataQuery) => number {
  return (q) => Math.max(1, base - (q.select ? 1 : 0) - (q.top !== undefined && q.top < 20 ? 1 : 0));
}

export function metadata(origin: string, context: string): string {
  return `${origin}/v1.0/$metadata#${context}`;
}

/** `users(displayName,id)`-style context for a selection. */
export function selectContext(base: string, select: string[] | undefined): string {
  return select ? `${base}(${select.join(',')})` : base;
}
