import { z } from 'zod';
import type { GcpState } from './answer.ts';
import { type GrpcFailure, invalidArgument, quotaExceeded } from './errors.ts';
import { FOLDERS, ORGANIZATIONS, PROJECTS } from './protos.ts';
import { CALLER } from './quota.ts';
import { folderMessage, page, projectMessage } from './rpcs.ts';
import type { GcpResource } from './world-view.ts';

const searchRequest = z.object({
  query: z.string().default(''),
  pageToken: z.string().default(''),
  pageSize: z.number().int().default(0),
});

type Kind = GcpResource['kind'];

export function organizationMessage(r: GcpResource) {
  const o = r.organization!;
  return {
    name: o.name,
    displayName: o.displayName,
    directoryCustomerId: o.directoryCustomerId,
    state: 'ACTIVE',
    createTime: o.createTime,
    updateTime: o.createTime,
    etag: `W/"${o.directoryCustomerId.slice(-6)}"`,
  };
}

/** The fields each search's query may name (Google's documented keys, lower-cased), read from the message sent. */
const QUERY_FIELDS: Record<Kind, Record<string, (m: Record<string, unknown>) => unknown>> = {
  project: {
    id: (m) => m.projectId,
    projectid: (m) => m.projectId,
    name: (m) => m.displayName,
    displayname: (m) => m.displayName,
    parent: (m) => m.parent,
    state: (m) => m.state,
  },
  folder: { displayname: (m) => m.displayName, parent: (m) => m.parent, state: (m) => m.state },
  organization: { domain: (m) => m.displayName, directorycustomerid: (m) => m.directoryCustomerId },
};

/** `key:value` terms joined by spaces or AND, each an exact match (Google's wildcards and OR are not simulated). */
function matcher(kind: Kind, query: string): ((m: Record<string, unknown>) => boolean) | GrpcFailure {
  const terms = query
    .split(/\s+AND\s+|\s+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const tests: ((m: Record<string, unknown>) => boolean)[] = [];
  for (const term of terms) {
    const m = /^([A-Za-z.]+)\s*[:=]\s*"?([^"]*)"?$/.exec(term);
    const read = m ? QUERY_FIELDS[kind][m[1]!.toLowerCase()] : undefined;
    if (!m || !read) return invalidArgument(`Request contains an invalid argument: unsupported query term '${term}'.`);
    tests.push((message) => String(read(message) ?? '') === m[2]);
  }
  return (message) => tests.every((t) => t(message));
}

interface SearchSpec {
  service: string;
  method: string;
  kind: Kind;
  key: string;
  message(r: GcpResource): Record<string, unknown>;
}

/** A search RPC: every resource of its kind the account can see, across the scenario's tenants, filtered and paged. */
export interface SearchRpc {
  service: string;
  method: string;
  endpoint: string;
  search(state: GcpState, request: unknown): Promise<{ tenant: string; reply: object | GrpcFailure }>;
}

function searchRpc(spec: SearchSpec): SearchRpc {
  const endpoint = `${spec.service.split('.').pop()}.${spec.method}`;
  return {
    service: spec.service,
    method: spec.method,
    endpoint,
    search: async (state, request) => {
      const tenant = '(account)';
      const q = searchRequest.safeParse(request);
      if (!q.success) return { tenant, reply: invalidArgument(`Invalid ${spec.method} request.`) };
      const quota = state.quotas.resourceManager;
      const now = state.clock();
      if (!quota.take(now)) {
        const retryAfterSeconds = quota.secondsLeft(now);
        state.accounting.throttle({ simulator: 'gcp', tenant, endpoint, reason: 'real:quota', retryAfterSeconds });
        return { tenant, reply: quotaExceeded(quota.rule, CALLER) };
      }
      const matches = matcher(spec.kind, q.data.query);
      if (typeof matches !== 'function') return { tenant, reply: matches };
      const seen = new Set<GcpResource>();
      for (const owned of state.owners.values()) if (owned.resource.kind === spec.kind) seen.add(owned.resource);
      const found = [...seen].map(spec.message).filter(matches);
      const key = `${spec.key}?${q.data.query}`;
      return {
        tenant,
        reply: page({ parent: key, pageToken: q.data.pageToken, pageSize: q.data.pageSize }, found, spec.key),
      };
    },
  };
}

/** Resource Manager v3's searches: what the caller may see (`*.get`) of projects, folders and organizations. */
export const SEARCHES: SearchRpc[] = [
  searchRpc({ service: PROJECTS, method: 'SearchProjects', kind: 'project', key: 'projects', message: projectMessage }),
  searchRpc({ service: FOLDERS, method: 'SearchFolders', kind: 'folder', key: 'folders', message: folderMessage }),
  searchRpc({
    service: ORGANIZATIONS,
    method: 'SearchOrganizations',
    kind: 'organization',
    key: 'organizations',
    message: organizationMessage,
  }),
];
