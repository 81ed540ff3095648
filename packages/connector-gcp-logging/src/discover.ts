import type { DiscoveredCustomer } from '@evident/connector-kit';
import type { GcpAccountContext } from './account.ts';
import type { Tuning } from './calls.ts';
import { createClients, type GcpClients } from './clients.ts';
import { classifyGcpError } from './errors.ts';

/** A project, folder or organization as a search returns it, the fields discovery reads. */
interface Found {
  name: string;
  kind: 'organizations' | 'folders' | 'projects';
  /** What the connection names it by: `projects/<projectId>`, else the resource name. */
  resource: string;
  title: string;
  domains: string[];
  parent: string;
  state: string;
  deleteTime: string | undefined;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const seconds = (t: unknown) => Number((t as { seconds?: unknown } | null | undefined)?.seconds ?? 0);
const day = (t: unknown) => (seconds(t) > 0 ? new Date(seconds(t) * 1000).toISOString().slice(0, 10) : undefined);

async function search(clients: GcpClients, tuning: Tuning): Promise<Found[]> {
  const options = { otherArgs: { headers: clients.headers }, timeout: tuning.timeoutMs, autoPaginate: false };
  const all = async <T>(call: string, permission: string, list: () => AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = [];
    try {
      for await (const item of list()) out.push(item);
    } catch (error) {
      throw classifyGcpError(error, { call, resource: 'the resources the service account can see', permission });
    }
    return out;
  };
  const organizations = await all('Organizations.SearchOrganizations', 'resourcemanager.organizations.get', () =>
    clients.organizations.searchOrganizationsAsync({}, options),
  );
  const folders = await all('Folders.SearchFolders', 'resourcemanager.folders.get', () =>
    clients.folders.searchFoldersAsync({}, options),
  );
  const projects = await all('Projects.SearchProjects', 'resourcemanager.projects.get', () =>
    clients.projects.searchProjectsAsync({}, options),
  );
  const common = (m: { name?: unknown; parent?: unknown; state?: unknown; deleteTime?: unknown }) => ({
    name: text(m.name),
    parent: text(m.parent),
    state: text(m.state) || 'STATE_UNSPECIFIED',
    deleteTime: day(m.deleteTime),
  });
  return [
    ...organizations.map((o): Found => {
      const c = common(o);
      return {
        ...c,
        kind: 'organizations',
        resource: c.name,
        title: text(o.displayName) || c.name,
        domains: [text(o.displayName)].filter(Boolean),
      };
    }),
    ...folders.map((f): Found => {
      const c = common(f);
      return { ...c, kind: 'folders', resource: c.name, title: text(f.displayName) || c.name, domains: [] };
    }),
    ...projects.map((p): Found => {
      const c = common(p);
      const id = text(p.projectId);
      return {
        ...c,
        kind: 'projects',
        resource: id ? `projects/${id}` : c.name,
        title: text(p.displayName) || id || c.name,
        domains: id ? [id] : [],
      };
    }),
  ];
}

function reachable(f: Found): DiscoveredCustomer['reachable'] {
  if (f.state === 'ACTIVE') return { ok: true };
  const what = f.kind === 'projects' ? 'project' : f.kind === 'folders' ? 'folder' : 'organization';
  if (f.state === 'DELETE_REQUESTED') {
    const when = f.deleteTime ? ` on ${f.deleteTime}` : '';
    return {
      ok: false,
      reason: `The ${what} ${f.resource} was deleted${when} (DELETE_REQUESTED): Google removes it after 30 days unless it is restored, and a deleted ${what}'s logs are not assessed.`,
    };
  }
  return { ok: false, reason: `Resource Manager reports the ${what} ${f.resource} in state ${f.state}, not ACTIVE.` };
}

/** A discovered resource under another discovered one: a connection to the ancestor already assesses it. */
function coveredBy(f: Found, byName: Map<string, Found>): string | undefined {
  let parent = byName.get(f.parent);
  for (let hops = 0; parent && hops < 20; hops++) {
    if (parent.state === 'ACTIVE') return parent.resource;
    parent = byName.get(parent.parent);
  }
  return undefined;
}

/**
 * The organizations, folders and projects the service account can see (Resource Manager v3 searches, every page),
 * each a customer whose connection assesses that resource (and, for a folder or organization, all under it).
 */
export async function discoverGcp(ctx: GcpAccountContext, tuning: Tuning): Promise<DiscoveredCustomer[]> {
  const clients = await createClients({ resources: [], ...ctx.config }, ctx.secret, ctx.egress);
  try {
    const found = await search(clients, tuning);
    const byName = new Map(found.map((f) => [f.name, f]));
    return found.map((f) => {
      const ancestor = coveredBy(f, byName);
      return {
        externalId: f.name,
        name: f.title,
        domains: f.domains,
        connection: { config: { resources: [f.resource] } },
        reachable: reachable(f),
        warnings: ancestor
          ? [
              `${f.resource} lies under ${ancestor}, found too: a connection to ${ancestor} already assesses it, so importing both assesses it twice.`,
            ]
          : [],
      };
    });
  } finally {
    await clients.close();
  }
}
