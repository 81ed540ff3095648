import { z } from 'zod';
import { logEntries } from './activity.ts';
import { type GrpcFailure, invalidArgument, isFailure } from './errors.ts';
import { CONFIG_SERVICE, FOLDERS, LOGGING_SERVICE, ORGANIZATIONS, PROJECTS } from './protos.ts';
import type { GcpResource, GcpWorldView } from './world-view.ts';

export type QuotaName = 'logging' | 'resourceManager';

interface RpcSpec<Q> {
  service: string;
  method: string;
  request: z.ZodType<Q>;
  /** The resource name the call is about, or an error message when the request names none. */
  target(req: Q): string | { invalid: string };
  permission: string;
  quota: QuotaName;
  /** Unknown resources: Cloud Logging answers NOT_FOUND; Resource Manager never confirms and says PERMISSION_DENIED. */
  missing: 'not_found' | 'permission_denied';
  serve(req: Q, resource: GcpResource, world: GcpWorldView): object | GrpcFailure;
}

/** A call whose request has been read: the resource it names and how to answer it. */
export interface BoundCall {
  target: string | { invalid: string };
  serve(resource: GcpResource, world: GcpWorldView): object | GrpcFailure;
}

/** One unary RPC: which resource (and so which tenant) a request names, and what it answers. */
export interface Rpc extends Pick<RpcSpec<unknown>, 'service' | 'method' | 'permission' | 'quota' | 'missing'> {
  /** `ConfigServiceV2.ListBuckets`: how the accounting names it. */
  endpoint: string;
  bind(request: unknown): BoundCall | GrpcFailure;
}

function rpc<Q>(spec: RpcSpec<Q>): Rpc {
  const { service, method, permission, quota, missing } = spec;
  return {
    service,
    method,
    endpoint: `${service.split('.').pop()}.${method}`,
    permission,
    quota,
    missing,
    bind: (request) => {
      const q = spec.request.safeParse(request);
      if (!q.success) return invalidArgument(`Invalid ${method} request: ${q.error.issues[0]?.message ?? 'malformed'}`);
      return { target: spec.target(q.data), serve: (resource, world) => spec.serve(q.data, resource, world) };
    },
  };
}

export const listRequest = z.object({
  parent: z.string(),
  pageToken: z.string().default(''),
  pageSize: z.number().int().default(0),
});
type ListRequest = z.infer<typeof listRequest>;

/** Page tokens carry the parent they were issued for, so a token cannot be replayed against another list. */
export function page<T>(req: ListRequest, items: T[], key: string): Record<string, unknown> | GrpcFailure {
  let offset = 0;
  if (req.pageToken !== '') {
    const [parent, at] = Buffer.from(req.pageToken, 'base64url').toString().split('\n');
    offset = Number(at);
    if (parent !== req.parent || !Number.isInteger(offset) || offset < 0) return invalidArgument('Invalid page token.');
  }
  const size = req.pageSize > 0 ? Math.min(req.pageSize, 1_000) : 50;
  const end = offset + size;
  const nextPageToken = end < items.length ? Buffer.from(`${req.parent}\n${end}`).toString('base64url') : '';
  return { [key]: items.slice(offset, end), nextPageToken };
}

const PARENT = /^((?:projects|folders|organizations|billingAccounts)\/[^/]+)$/;
const BUCKET_PARENT = /^((?:projects|folders|organizations|billingAccounts)\/[^/]+)\/locations\/([^/]+)$/;

const listBuckets = rpc<ListRequest>({
  service: CONFIG_SERVICE,
  method: 'ListBuckets',
  request: listRequest,
  target: (req) => BUCKET_PARENT.exec(req.parent)?.[1] ?? { invalid: `Invalid parent: "${req.parent}"` },
  permission: 'logging.buckets.list',
  quota: 'logging',
  missing: 'not_found',
  serve: (req, r) => {
    const location = BUCKET_PARENT.exec(req.parent)?.[2];
    const buckets = r.buckets.filter((b) => location === '-' || b.name.includes(`/locations/${location}/`));
    return page(req, buckets, 'buckets');
  },
});

const listSinks = rpc<ListRequest>({
  service: CONFIG_SERVICE,
  method: 'ListSinks',
  request: listRequest,
  target: (req) => PARENT.exec(req.parent)?.[1] ?? { invalid: `Invalid parent: "${req.parent}"` },
  permission: 'logging.sinks.list',
  quota: 'logging',
  missing: 'not_found',
  serve: (req, r) => page(req, r.sinks, 'sinks'),
});

/** `projects.exclusions.list`: the exclusions of the resource's `_Default` sink. */
const listExclusions = rpc<ListRequest>({
  service: CONFIG_SERVICE,
  method: 'ListExclusions',
  request: listRequest,
  target: (req) => PARENT.exec(req.parent)?.[1] ?? { invalid: `Invalid parent: "${req.parent}"` },
  permission: 'logging.exclusions.list',
  quota: 'logging',
  missing: 'not_found',
  serve: (req, r) => page(req, r.sinks.find((s) => s.name === '_Default')?.exclusions ?? [], 'exclusions'),
});

const iamRequest = z.object({ resource: z.string() });
const getIamPolicy = (service: string, kind: string) =>
  rpc<z.infer<typeof iamRequest>>({
    service,
    method: 'GetIamPolicy',
    request: iamRequest,
    target: (req) => req.resource,
    permission: `resourcemanager.${kind}.getIamPolicy`,
    quota: 'resourceManager',
    missing: 'permission_denied',
    serve: (_req, r) => r.policy,
  });

export function projectMessage(r: GcpResource) {
  const p = r.project!;
  return {
    name: p.name,
    parent: p.parent,
    projectId: p.projectId,
    state: p.state,
    displayName: p.projectId,
    createTime: p.createTime,
    updateTime: p.createTime,
    etag: `W/"${p.projectNumber.slice(-8)}"`,
    labels: {},
    ...(p.state === 'DELETE_REQUESTED' ? { deleteTime: p.createTime } : {}),
  };
}

const getProject = rpc<{ name: string }>({
  service: PROJECTS,
  method: 'GetProject',
  request: z.object({ name: z.string() }),
  target: (req) => req.name,
  permission: 'resourcemanager.projects.get',
  quota: 'resourceManager',
  missing: 'permission_denied',
  serve: (_req, r) => (r.kind === 'project' ? projectMessage(r) : invalidArgument(`${r.name} is not a project`)),
});

const listProjects = rpc<ListRequest>({
  service: PROJECTS,
  method: 'ListProjects',
  request: listRequest,
  target: (req) =>
    /^(organizations|folders)\/[^/]+$/.test(req.parent)
      ? req.parent
      : { invalid: 'parent must be organizations/* or folders/*' },
  permission: 'resourcemanager.projects.list',
  quota: 'resourceManager',
  missing: 'permission_denied',
  serve: (req, r, world) => {
    const children = world.resources.filter((c) => c.project?.parent === r.name).map(projectMessage);
    return page(req, children, 'projects');
  },
});

export function folderMessage(r: GcpResource) {
  const f = r.folder!;
  return {
    name: f.name,
    parent: f.parent,
    displayName: f.displayName,
    state: f.state,
    createTime: f.createTime,
    updateTime: f.createTime,
    etag: `W/"${f.name.slice(-8)}"`,
  };
}

const listFolders = rpc<ListRequest>({
  service: FOLDERS,
  method: 'ListFolders',
  request: listRequest,
  target: (req) =>
    /^(organizations|folders)\/[^/]+$/.test(req.parent)
      ? req.parent
      : { invalid: 'parent must be organizations/* or folders/*' },
  permission: 'resourcemanager.folders.list',
  quota: 'resourceManager',
  missing: 'permission_denied',
  serve: (req, r, world) => {
    const children = world.resources.filter((c) => c.folder?.parent === r.name).map(folderMessage);
    return page(req, children, 'folders');
  },
});

const getFolder = rpc<{ name: string }>({
  service: FOLDERS,
  method: 'GetFolder',
  request: z.object({ name: z.string() }),
  target: (req) => req.name,
  permission: 'resourcemanager.folders.get',
  quota: 'resourceManager',
  missing: 'permission_denied',
  serve: (_req, r) => (r.kind === 'folder' ? folderMessage(r) : invalidArgument(`${r.name} is not a folder`)),
});

const entriesRequest = z.object({
  resourceNames: z.array(z.string()),
  filter: z.string().default(''),
  orderBy: z.string().default(''),
  pageSize: z.number().int().default(0),
  pageToken: z.string().default(''),
});
type EntriesRequest = z.infer<typeof entriesRequest>;

const ORDER = /^\s*timestamp(?:\s+(asc|desc))?\s*$/i;

const listLogEntries = rpc<EntriesRequest>({
  service: LOGGING_SERVICE,
  method: 'ListLogEntries',
  request: entriesRequest,
  target: (req) =>
    req.resourceNames.length === 1 && PARENT.test(req.resourceNames[0]!)
      ? req.resourceNames[0]!
      : { invalid: 'the simulator reads exactly one project, folder or organization per request' },
  permission: 'logging.logEntries.list',
  quota: 'logging',
  missing: 'permission_denied',
  serve: (req, r) => {
    const found = logEntries(r, req.filter);
    if (isFailure(found)) return found;
    const order = req.orderBy === '' ? ['', 'asc'] : ORDER.exec(req.orderBy);
    if (!order) return invalidArgument(`Unsupported order_by: ${req.orderBy}`);
    const entries = order[1]?.toLowerCase() === 'desc' ? found.reverse() : found;
    const key = `${req.resourceNames[0]}|${req.filter}|${req.orderBy}`;
    return page({ parent: key, pageToken: req.pageToken, pageSize: req.pageSize }, entries, 'entries');
  },
});

export const RPCS: Rpc[] = [
  listBuckets,
  listSinks,
  listExclusions,
  getIamPolicy(PROJECTS, 'projects'),
  getIamPolicy(FOLDERS, 'folders'),
  getIamPolicy(ORGANIZATIONS, 'organizations'),
  getProject,
  listProjects,
  listFolders,
  getFolder,
  listLogEntries,
];

/** The IAM permission each RPC needs, by endpoint: what `FaultSpec.revokePermission` takes away. */
export const GCP_PERMISSIONS: Record<string, string> = Object.fromEntries(RPCS.map((r) => [r.endpoint, r.permission]));
