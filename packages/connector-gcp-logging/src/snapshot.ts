import type { ConnectorError } from '@evident/connector-kit';
import { kindOf } from './config.ts';
import type { AuditConfig, Bucket, Exclusion, Sink } from './model.ts';

/** One provider read: its value, or the classified failure. `key` names the read, e.g. `sinks:projects/p`. */
export type Read<T> = { ok: true; key: string; value: T } | { ok: false; key: string; error: ConnectorError };

export const readKey = {
  parent: (resource: string) => `parent:${resource}`,
  sinks: (resource: string) => `sinks:${resource}`,
  exclusions: (resource: string) => `exclusions:${resource}`,
  buckets: (resource: string) => `buckets:${resource}`,
  policy: (resource: string) => `policy:${resource}`,
  projectsUnder: (resource: string) => `projectsUnder:${resource}`,
  foldersUnder: (resource: string) => `foldersUnder:${resource}`,
  /** The newest entry of one log, by its full name (`projects/p/logs/…`). */
  newest: (logName: string) => `newest:${logName}`,
};

/** The Resource Manager service of each kind of resource. */
export const SERVICE = { projects: 'Projects', folders: 'Folders', organizations: 'Organizations' } as const;

/** The API call behind a read, for the evidence trail: `ConfigServiceV2.ListSinks projects/p`. */
export function describeRead(key: string): string {
  const at = key.indexOf(':');
  const [kind, resource] = [key.slice(0, at), key.slice(at + 1)];
  const service = SERVICE[kindOf(resource)];
  switch (kind) {
    case 'parent':
      return `${service}.${service === 'Projects' ? 'GetProject' : 'GetFolder'} ${resource}`;
    case 'sinks':
      return `ConfigServiceV2.ListSinks ${resource}`;
    case 'exclusions':
      return `ConfigServiceV2.ListExclusions ${resource}`;
    case 'buckets':
      return `ConfigServiceV2.ListBuckets ${resource}/locations/-`;
    case 'projectsUnder':
      return `Projects.ListProjects ${resource}`;
    case 'foldersUnder':
      return `Folders.ListFolders ${resource}`;
    case 'newest':
      return `LoggingServiceV2.ListLogEntries ${resource} (newest first, one entry)`;
    default:
      return `${service}.GetIamPolicy ${resource}`;
  }
}

/** Everything one collection read, by resource: what routing and the facts are computed from. Pure data. */
export class Snapshot {
  /** The parent of a project or folder; `''` when it has none (a project outside any organization). */
  readonly parents = new Map<string, Read<string>>();
  readonly sinks = new Map<string, Read<Sink[]>>();
  /** The exclusions `ListExclusions` lists for a resource: they apply to its `_Default` sink. */
  readonly exclusions = new Map<string, Read<Exclusion[]>>();
  readonly buckets = new Map<string, Read<Bucket[]>>();
  readonly policies = new Map<string, Read<AuditConfig[]>>();
  /** When the newest retained entry of a log was written, by log name; `null` when none is retained. */
  readonly newest = new Map<string, Read<string | null>>();
  /** The projects and the folders directly under a folder or organization, by their names. */
  readonly children = { projects: new Map<string, Read<string[]>>(), folders: new Map<string, Read<string[]>>() };
  private readonly aliases = new Map<string, string>();

  /** Records that `name` (e.g. `projects/123456`) is the same resource as `canonical` (`projects/my-project`). */
  alias(name: string, canonical: string): void {
    if (name !== canonical) this.aliases.set(name, canonical);
  }

  canonical(resource: string): string {
    return this.aliases.get(resource) ?? resource;
  }

  /** The ancestors of a resource, nearest first; a failure when some parent on the way up could not be read. */
  ancestors(resource: string): Read<string[]> {
    const chain: string[] = [];
    let at = resource;
    while (!at.startsWith('organizations/')) {
      const parent = this.parents.get(at);
      if (!parent) throw new Error(`the parent of ${at} was not read`);
      if (!parent.ok) return parent;
      if (parent.value === '') break;
      chain.push(parent.value);
      at = parent.value;
    }
    return { ok: true, key: readKey.parent(resource), value: chain };
  }

  /** The buckets of a resource, looked up by any of its names. */
  bucketsOf(owner: string): Read<Bucket[]> | undefined {
    const canonical = this.canonical(owner);
    for (const [resource, read] of this.buckets) if (this.canonical(resource) === canonical) return read;
    return undefined;
  }
}
