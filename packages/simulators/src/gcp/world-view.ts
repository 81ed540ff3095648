import { below, guid } from '../rng.ts';
import type { GcpDefaultSink, GcpExclusion, GcpProject, GcpSink, GcpWorld } from '../scenario/schema.ts';
import { auditEntries, type LogEntry } from './entries.ts';

export interface Timestamp {
  seconds: number;
  nanos: number;
}

/** `google.logging.v2.LogBucket`, enums by name. */
export interface LogBucket {
  name: string;
  description: string;
  retentionDays: number;
  locked: boolean;
  lifecycleState: 'ACTIVE';
  analyticsEnabled: boolean;
  createTime?: Timestamp;
  updateTime?: Timestamp;
}

/** `google.logging.v2.LogExclusion`. */
export interface LogExclusion {
  name: string;
  description: string;
  filter: string;
  disabled: boolean;
  createTime: Timestamp;
  updateTime: Timestamp;
}

/** `google.logging.v2.LogSink`; `name` is the sink id, as the API returns it. */
export interface LogSink {
  name: string;
  destination: string;
  filter: string;
  description: string;
  disabled: boolean;
  includeChildren: boolean;
  interceptChildren: boolean;
  exclusions: LogExclusion[];
  writerIdentity: string;
  createTime: Timestamp;
  updateTime: Timestamp;
}

export type LogType = 'ADMIN_READ' | 'DATA_WRITE' | 'DATA_READ';
export type LifecycleState = 'ACTIVE' | 'DELETE_REQUESTED';

/** `google.iam.v1.Policy` with its audit configs (the Data Access audit-log switches). */
export interface IamPolicy {
  version: number;
  bindings: { role: string; members: string[] }[];
  auditConfigs: { service: string; auditLogConfigs: { logType: LogType; exemptedMembers: string[] }[] }[];
  etag: Buffer;
}

export interface GcpResource {
  /** `projects/<projectId>`, `folders/<id>` or `organizations/<id>`: the name the world knows it by. */
  name: string;
  kind: 'project' | 'folder' | 'organization';
  /** Other names that reach it, such as `projects/<projectNumber>`. */
  aliases: string[];
  /** Resource Manager's name for a project (`projects/<number>`) and its parent (`organizations/<id>` or empty). */
  project?: {
    name: string;
    projectId: string;
    projectNumber: string;
    parent: string;
    createTime: Timestamp;
    state: LifecycleState;
  };
  /** Resource Manager's folder: its parent (`folders/<id>` or `organizations/<id>`). */
  folder?: { name: string; parent: string; displayName: string; createTime: Timestamp; state: LifecycleState };
  /** Resource Manager's organization: its domain and Workspace or Cloud Identity customer. */
  organization?: { name: string; displayName: string; directoryCustomerId: string; createTime: Timestamp };
  buckets: LogBucket[];
  sinks: LogSink[];
  policy: IamPolicy;
  /** A few entries of each audit log, for `entries.list`. */
  entries: LogEntry[];
}

export interface GcpWorldView {
  resources: GcpResource[];
  /** Finds a resource by its name or an alias (`projects/<id>`, `projects/<number>`, `organizations/<id>`). */
  find(name: string): GcpResource | undefined;
}

const REQUIRED_LOGS = ['activity', 'system_event', 'access_transparency'].flatMap((log) =>
  ['cloudaudit', 'externalaudit'].map((s) => `LOG_ID("${s}.googleapis.com/${log}")`),
);
const READER = 'serviceAccount:evident-reader@evident-msp.iam.gserviceaccount.com';
const ts = (day: number): Timestamp => ({ seconds: day * 86_400, nanos: 0 });

function defaultBuckets(parent: string, defaultRetentionDays: number): LogBucket[] {
  const bucket = (id: string, retentionDays: number, locked: boolean, description: string): LogBucket => ({
    name: `${parent}/locations/global/buckets/${id}`,
    description,
    retentionDays,
    locked,
    lifecycleState: 'ACTIVE',
    analyticsEnabled: false,
  });
  return [
    bucket('_Default', defaultRetentionDays, false, 'Default bucket'),
    bucket('_Required', 400, true, 'Audit bucket'),
  ];
}

const exclusion = (e: GcpExclusion, created: Timestamp): LogExclusion => ({
  ...e,
  description: '',
  createTime: created,
  updateTime: created,
});

function defaultSinks(parent: string, created: Timestamp, changes: GcpDefaultSink): LogSink[] {
  const sink = (id: string, filter: string): LogSink => ({
    name: id,
    destination: `logging.googleapis.com/${parent}/locations/global/buckets/${id}`,
    filter,
    description: '',
    disabled: false,
    includeChildren: false,
    interceptChildren: false,
    exclusions: [],
    writerIdentity: '',
    createTime: created,
    updateTime: created,
  });
  const byDefault = sink('_Default', REQUIRED_LOGS.map((l) => `NOT ${l}`).join(' AND '));
  return [
    { ...byDefault, disabled: changes.disabled, exclusions: changes.exclusions.map((e) => exclusion(e, created)) },
    sink('_Required', REQUIRED_LOGS.join(' OR ')),
  ];
}

function worldSink(s: GcpSink, writerIdentity: string, created: Timestamp): LogSink {
  const exclusions = s.exclusions.map((e) => exclusion(e, created));
  return { ...s, exclusions, description: '', writerIdentity, createTime: created, updateTime: created };
}

function policy(dataAccess: GcpProject['dataAccess'], exempted: string[], seed: number, key: string): IamPolicy {
  const config = (logType: LogType) => ({ logType, exemptedMembers: logType === 'ADMIN_READ' ? [] : exempted });
  const auditConfigs =
    dataAccess === 'all'
      ? [{ service: 'allServices', auditLogConfigs: [config('ADMIN_READ'), config('DATA_READ'), config('DATA_WRITE')] }]
      : dataAccess === 'partial'
        ? [
            { service: 'storage.googleapis.com', auditLogConfigs: [config('DATA_READ'), config('DATA_WRITE')] },
            { service: 'cloudsql.googleapis.com', auditLogConfigs: [config('DATA_WRITE')] },
          ]
        : [];
  return {
    version: 1,
    bindings: [
      { role: 'roles/iam.securityReviewer', members: [READER] },
      { role: 'roles/logging.viewer', members: [READER] },
      { role: 'roles/owner', members: [`group:cloud-admins@${key.replace(/^.*\//, '')}.example`] },
    ],
    auditConfigs,
    etag: Buffer.from(guid(seed, 'gcp-etag', key).replaceAll('-', '').slice(0, 16), 'hex'),
  };
}

/** When a world is viewed without a clock: a fixed instant, so that views compare equal. */
export const WORLD_EPOCH = Date.parse('2026-11-28T12:00:00Z');

function checkHierarchy(world: GcpWorld): void {
  const declared = new Set<string>();
  for (const f of world.folders) {
    if (world.organizationId === undefined) throw new Error(`folders/${f.folderId} needs an organization`);
    if (f.parent !== undefined && !declared.has(f.parent))
      throw new Error(`folders/${f.folderId} sits in folders/${f.parent}, which is not declared before it`);
    declared.add(f.folderId);
  }
  for (const p of world.projects)
    if (p.folder !== undefined && !declared.has(p.folder))
      throw new Error(`projects/${p.projectId} sits in folders/${p.folder}, which is not declared`);
}

/**
 * What a GCP world looks like through the Logging API and Resource Manager: every project, folder and the organization
 * with their `_Required` (400 days, locked) and `_Default` buckets and sinks, the declared ones, IAM audit configs,
 * and the newest entries of their audit logs, `now` being the moment the world is viewed at.
 */
export function gcpWorldView(world: GcpWorld, seed: number, now = WORLD_EPOCH): GcpWorldView {
  checkHierarchy(world);
  const resources: GcpResource[] = [];
  const orgName = world.organizationId === undefined ? undefined : `organizations/${world.organizationId}`;
  const folderName = (id: string | undefined) => (id === undefined ? (orgName ?? '') : `folders/${id}`);
  // Data Access is written where the resource or one of its ancestors turns it on.
  const dataAccessOn = new Map<string, boolean>([[orgName ?? '', world.organizationDataAccess !== 'none']]);
  for (const f of world.folders)
    dataAccessOn.set(folderName(f.folderId), f.dataAccess !== 'none' || dataAccessOn.get(folderName(f.parent))!);
  for (const p of world.projects) {
    const name = `projects/${p.projectId}`;
    const projectNumber = String(100_000_000_000 + below(899_999_999_999, seed, 'gcp-project', p.projectId));
    const created = ts(17_000 + below(2_500, seed, 'gcp-created', p.projectId));
    const writer = `serviceAccount:service-${projectNumber}@gcp-sa-logging.iam.gserviceaccount.com`;
    const parent = folderName(p.folder);
    const on = p.dataAccess !== 'none' || (dataAccessOn.get(parent) ?? false);
    resources.push({
      name,
      kind: 'project',
      aliases: [`projects/${projectNumber}`],
      project: {
        name: `projects/${projectNumber}`,
        projectId: p.projectId,
        projectNumber,
        parent,
        createTime: created,
        state: p.state,
      },
      buckets: [
        ...defaultBuckets(name, p.defaultRetentionDays),
        ...p.buckets.map((b) => ({
          name: `${name}/locations/${b.location}/buckets/${b.id}`,
          description: '',
          retentionDays: b.retentionDays,
          locked: b.locked,
          lifecycleState: 'ACTIVE' as const,
          analyticsEnabled: false,
          createTime: created,
          updateTime: created,
        })),
      ],
      sinks: [...defaultSinks(name, created, p.defaultSink), ...p.sinks.map((s) => worldSink(s, writer, created))],
      policy: policy(p.dataAccess, p.dataAccessExemptions, seed, name),
      entries: auditEntries(name, 'project', p.newestEntries, on, now),
    });
  }
  for (const f of world.folders) {
    const name = folderName(f.folderId);
    const created = ts(16_500 + below(500, seed, 'gcp-folder', f.folderId));
    const writer = `serviceAccount:service-folder-${f.folderId}@gcp-sa-logging.iam.gserviceaccount.com`;
    resources.push({
      name,
      kind: 'folder',
      aliases: [],
      folder: {
        name,
        parent: folderName(f.parent),
        displayName: `folder-${f.folderId}`,
        createTime: created,
        state: f.state,
      },
      buckets: defaultBuckets(name, 30),
      sinks: [...defaultSinks(name, created, f.defaultSink), ...f.sinks.map((s) => worldSink(s, writer, created))],
      policy: policy(f.dataAccess, f.dataAccessExemptions, seed, name),
      entries: auditEntries(name, 'folder', f.newestEntries, dataAccessOn.get(name)!, now),
    });
  }
  if (orgName !== undefined) {
    const created = ts(16_000);
    const writer = `serviceAccount:service-org-${world.organizationId}@gcp-sa-logging.iam.gserviceaccount.com`;
    resources.push({
      name: orgName,
      kind: 'organization',
      aliases: [],
      organization: {
        name: orgName,
        displayName: world.organizationDomain ?? `${world.organizationId}.example`,
        directoryCustomerId: `C0${guid(seed, 'gcp-customer', orgName).replaceAll('-', '').slice(0, 7)}`,
        createTime: created,
      },
      buckets: defaultBuckets(orgName, 30),
      sinks: [
        ...defaultSinks(orgName, created, world.organizationDefaultSink),
        ...world.organizationSinks.map((s) => worldSink(s, writer, created)),
      ],
      policy: policy(world.organizationDataAccess, world.organizationDataAccessExemptions, seed, orgName),
      entries: auditEntries(orgName, 'organization', world.organizationNewestEntries, dataAccessOn.get(orgName)!, now),
    });
  }
  const index = new Map<string, GcpResource>();
  for (const r of resources) for (const n of [r.name, ...r.aliases]) index.set(n, r);
  return { resources, find: (name) => index.get(name) };
}
