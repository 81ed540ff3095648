import { errors } from './errors.ts';

/** The OData system query options a request carried. */
export interface ODataQuery {
  select: string[] | undefined;
  top: number | undefined;
  filter: string | undefined;
  expand: string | undefined;
  skiptoken: string | undefined;
}

const SUPPORTED = new Set(['$select', '$top', '$filter', '$expand', '$skiptoken']);

export function parseQuery(params: URLSearchParams): ODataQuery {
  const q: ODataQuery = {
    select: undefined,
    top: undefined,
    filter: undefined,
    expand: undefined,
    skiptoken: undefined,
  };
  for (const [rawKey, value] of params) {
    const key = rawKey.toLowerCase();
    if (!key.startsWith('$')) continue;
    if (!SUPPORTED.has(key)) throw errors.unsupportedQuery(`The query option '${rawKey}' is not supported here.`);
    if (key === '$select')
      q.select = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    else if (key === '$top') {
      if (!/^\d+$/.test(value)) throw errors.badRequest(`Invalid value '${value}' for $top query option.`);
      q.top = Number(value);
    } else if (key === '$filter') q.filter = value;
    else if (key === '$expand') q.expand = value;
    else q.skiptoken = value;
  }
  return q;
}

/** Refuses a `$select` naming a property the entity type does not have, with Graph's message. */
export function checkSelect(select: string[] | undefined, selectable: ReadonlySet<string>, typeName: string): void {
  for (const name of select ?? [])
    if (!selectable.has(name))
      throw errors.badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.${typeName}'.`);
}

/** Keeps the selected properties of `entity`, in the order the entity lists them, as Graph does. */
export function project<T extends object>(entity: T, select: readonly string[] | undefined): Partial<T> {
  if (!select) return entity;
  const out: Partial<T> = {};
  for (const key of Object.keys(entity) as (keyof T & string)[]) if (select.includes(key)) out[key] = entity[key];
  return out;
}

export function rejectFilter(q: ODataQuery): void {
  if (q.filter !== undefined) throw errors.unsupportedQuery('Filter is not supported on this resource.');
}

export function rejectExpand(q: ODataQuery, allowed?: string): void {
  if (q.expand !== undefined && q.expand !== allowed)
    throw errors.badRequest(`Could not find a navigation property named '${q.expand}'.`);
}
