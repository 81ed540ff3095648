import { asConnectorError, type CollectionSession, type ConnectorError } from '@evident/connector-kit';
import { drain, gaxCallOptions, PROBES, type Tuning, untilAborted } from './calls.ts';
import type { GcpClients } from './clients.ts';
import { type GcpLoggingConfig, type GcpLoggingSecret, kindOf } from './config.ts';
import { type CallContext, classifyGcpError } from './errors.ts';
import {
  type AuditConfig,
  type Bucket,
  bucketSchema,
  type Exclusion,
  entrySchema,
  exclusionSchema,
  type HierarchyNode,
  nodeSchema,
  policySchema,
  type Sink,
  sinkSchema,
} from './model.ts';
import { type Read, readKey, SERVICE, Snapshot } from './snapshot.ts';

type Session = CollectionSession<GcpLoggingConfig, GcpLoggingSecret>;

/**
 * The provider reads of one collection, each run once under the limiter and retry policy and recorded in the
 * snapshot, success or failure. After an authentication failure no further call is made: each read fails alike.
 */
export class Reader {
  readonly snapshot = new Snapshot();
  private authFailure: ConnectorError | undefined;
  private readonly memo = {
    parents: new Map<string, Promise<Read<string>>>(),
    sinks: new Map<string, Promise<Read<Sink[]>>>(),
    exclusions: new Map<string, Promise<Read<Exclusion[]>>>(),
    buckets: new Map<string, Promise<Read<Bucket[]>>>(),
    policies: new Map<string, Promise<Read<AuditConfig[]>>>(),
    newest: new Map<string, Promise<Read<string | null>>>(),
    projects: new Map<string, Promise<Read<string[]>>>(),
    folders: new Map<string, Promise<Read<string[]>>>(),
  };

  constructor(
    private readonly clients: GcpClients,
    private readonly session: Session,
    private readonly signal: AbortSignal,
    private readonly tuning: Tuning,
  ) {}

  private get callOptions() {
    return { ...gaxCallOptions(this.tuning), otherArgs: { headers: { ...this.clients.headers } } };
  }

  private async run<T>(key: string, at: CallContext, fn: () => Promise<T>): Promise<Read<T>> {
    if (this.authFailure) return { ok: false, key, error: this.authFailure };
    const { attempts, baseDelayMs, maxDelayMs } = this.tuning;
    try {
      const value = await this.session.call(
        () =>
          untilAborted(fn(), this.signal).catch((error: unknown) => {
            throw classifyGcpError(error, at);
          }),
        { attempts, baseDelayMs, maxDelayMs },
      );
      return { ok: true, key, value };
    } catch (raw) {
      if (this.signal.aborted) throw raw;
      const error = asConnectorError(raw);
      if (error.code === 'auth_failed') this.authFailure ??= error;
      return { ok: false, key, error };
    }
  }

  private once<T>(
    memo: Map<string, Promise<Read<T>>>,
    into: Map<string, Read<T>>,
    resource: string,
    read: () => Promise<Read<T>>,
  ): Promise<Read<T>> {
    let pending = memo.get(resource);
    if (!pending) {
      pending = read().then((result) => {
        into.set(resource, result);
        return result;
      });
      memo.set(resource, pending);
    }
    return pending;
  }

  /** Records a project or folder Resource Manager returned: its parent, and a project by its id, as log names are. */
  private record(node: HierarchyNode): string {
    const name = node.projectId ? `projects/${node.projectId}` : node.name;
    this.snapshot.alias(node.name, name);
    this.snapshot.parents.set(name, { ok: true, key: readKey.parent(name), value: node.parent });
    return name;
  }

  /** The parent of a project or folder, unless a listing already told it. */
  parent(resource: string): Promise<Read<string>> {
    const known = this.snapshot.parents.get(resource);
    if (known) return Promise.resolve(known);
    const key = readKey.parent(resource);
    return this.once(this.memo.parents, this.snapshot.parents, resource, async () => {
      if (resource.startsWith('projects/')) {
        const at = { call: 'Projects.GetProject', resource, permission: 'resourcemanager.projects.get' };
        return this.run(key, at, async () => {
          const [project] = await this.clients.projects.getProject({ name: resource }, this.callOptions);
          const node = nodeSchema.parse(project);
          this.snapshot.alias(resource, this.record(node));
          return node.parent;
        });
      }
      const at = { call: 'Folders.GetFolder', resource, permission: 'resourcemanager.folders.get' };
      return this.run(key, at, async () => {
        const [folder] = await this.clients.folders.getFolder({ name: resource }, this.callOptions);
        return nodeSchema.parse(folder).parent;
      });
    });
  }

  /** Walks up from a resource to its organization, reading each parent once. */
  async ancestry(resource: string): Promise<string[]> {
    const chain: string[] = [];
    let at = resource;
    while (!at.startsWith('organizations/')) {
      const parent = await this.parent(at);
      if (!parent.ok || parent.value === '') break;
      chain.push(parent.value);
      at = parent.value;
    }
    return chain;
  }

  /** The projects or the folders directly under a folder or organization, by name. */
  children(kind: 'projects' | 'folders', parent: string): Promise<Read<string[]>> {
    const key = kind === 'projects' ? readKey.projectsUnder(parent) : readKey.foldersUnder(parent);
    const at = { ...PROBES[kind], resource: parent };
    return this.once(this.memo[kind], this.snapshot.children[kind], parent, () =>
      this.run(key, at, async () => {
        const options = { ...this.callOptions, autoPaginate: false };
        const request = { parent, pageSize: this.tuning.pageSize };
        await this.clients[kind].initialize();
        const stream =
          kind === 'projects'
            ? this.clients.projects.listProjectsStream(request, options)
            : this.clients.folders.listFoldersStream(request, options);
        const nodes = await drain(stream, () => this.session.page());
        return nodes.map((n) => this.record(nodeSchema.parse(n)));
      }),
    );
  }

  /** Every folder and project under a folder or organization, level by level. */
  async descendants(root: string): Promise<string[]> {
    const found: string[] = [];
    for (let level = [root]; level.length > 0; ) {
      const [folders, projects] = await Promise.all([
        Promise.all(level.map((n) => this.children('folders', n))),
        Promise.all(level.map((n) => this.children('projects', n))),
      ]);
      level = folders.flatMap((r) => (r.ok ? r.value : []));
      found.push(...level, ...projects.flatMap((r) => (r.ok ? r.value : [])));
    }
    return found;
  }

  sinks(resource: string): Promise<Read<Sink[]>> {
    const key = readKey.sinks(resource);
    const at = { ...PROBES.sinks, resource };
    return this.once(this.memo.sinks, this.snapshot.sinks, resource, () =>
      this.run(key, at, async () => {
        await this.clients.logging.initialize();
        const request = { parent: resource, pageSize: this.tuning.pageSize };
        const stream = this.clients.logging.listSinksStream(request, { ...this.callOptions, autoPaginate: false });
        return (await drain(stream, () => this.session.page())).map((s) => sinkSchema.parse(s));
      }),
    );
  }

  /** The exclusions of the resource's `_Default` sink as the exclusions API lists them. */
  exclusions(resource: string): Promise<Read<Exclusion[]>> {
    const key = readKey.exclusions(resource);
    const at = { ...PROBES.exclusions, resource };
    return this.once(this.memo.exclusions, this.snapshot.exclusions, resource, () =>
      this.run(key, at, async () => {
        await this.clients.logging.initialize();
        const request = { parent: resource, pageSize: this.tuning.pageSize };
        const stream = this.clients.logging.listExclusionsStream(request, { ...this.callOptions, autoPaginate: false });
        return (await drain(stream, () => this.session.page())).map((e) => exclusionSchema.parse(e));
      }),
    );
  }

  buckets(resource: string): Promise<Read<Bucket[]>> {
    const key = readKey.buckets(resource);
    const at = { ...PROBES.buckets, resource };
    return this.once(this.memo.buckets, this.snapshot.buckets, resource, () =>
      this.run(key, at, async () => {
        await this.clients.logging.initialize();
        const request = { parent: `${resource}/locations/-`, pageSize: this.tuning.pageSize };
        const stream = this.clients.logging.listBucketsStream(request, { ...this.callOptions, autoPaginate: false });
        return (await drain(stream, () => this.session.page())).map((b) => bucketSchema.parse(b));
      }),
    );
  }

  policy(resource: string): Promise<Read<AuditConfig[]>> {
    const key = readKey.policy(resource);
    const kind = kindOf(resource);
    const at = {
      call: `${SERVICE[kind]}.GetIamPolicy`,
      resource,
      permission: `resourcemanager.${kind}.getIamPolicy`,
    };
    return this.once(this.memo.policies, this.snapshot.policies, resource, () =>
      this.run(key, at, async () => {
        const request = { resource, options: { requestedPolicyVersion: 3 } };
        const [policy] = await this.clients[kind].getIamPolicy(request, this.callOptions);
        return policySchema.parse(policy).auditConfigs;
      }),
    );
  }

  /**
   * When the newest retained entry of one log was written: one entry of `entries.list` over the log's resource,
   * filtered by the log's name, newest first. Data Access logs are private: reading them needs a permission of its own.
   */
  newest(logName: string, isPrivate: boolean): Promise<Read<string | null>> {
    const resource = logName.slice(0, logName.indexOf('/logs/'));
    const permission = isPrivate ? 'logging.privateLogEntries.list' : 'logging.logEntries.list';
    const at = { call: 'LoggingServiceV2.ListLogEntries', resource, permission };
    return this.once(this.memo.newest, this.snapshot.newest, logName, () =>
      this.run(readKey.newest(logName), at, async () => {
        const request = {
          resourceNames: [resource],
          filter: `logName="${logName}"`,
          orderBy: 'timestamp desc',
          pageSize: 1,
        };
        const [entries] = await this.clients.entries.listLogEntries(request, {
          ...this.callOptions,
          autoPaginate: false,
        });
        this.session.page();
        return entries.length === 0 ? null : entrySchema.parse(entries[0]);
      }),
    );
  }

  /** One page of a list, as `check` asks: enough to learn whether the permission is granted. */
  probe(list: keyof typeof PROBES, resource: string): Promise<Read<unknown>> {
    const options = { ...this.callOptions, autoPaginate: false };
    const page = { parent: resource, pageSize: 1 };
    const call = () => {
      switch (list) {
        case 'buckets':
          return this.clients.logging.listBuckets({ ...page, parent: `${resource}/locations/-` }, options);
        case 'sinks':
          return this.clients.logging.listSinks(page, options);
        case 'exclusions':
          return this.clients.logging.listExclusions(page, options);
        case 'entries': {
          const filter = `logName="${resource}/logs/cloudaudit.googleapis.com%2Factivity"`;
          return this.clients.entries.listLogEntries({ resourceNames: [resource], filter, pageSize: 1 }, options);
        }
        case 'projects':
          return this.clients.projects.listProjects(page, options);
        case 'folders':
          return this.clients.folders.listFolders(page, options);
      }
    };
    return this.run(`${list}:${resource}`, { ...PROBES[list], resource }, call);
  }
}
