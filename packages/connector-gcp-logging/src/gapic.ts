import type { Readable } from 'node:stream';
import type { GoogleAuth } from 'google-auth-library';
import type { GrpcClient, GrpcClientOptions } from 'google-gax';

type ProtoJson = Parameters<GrpcClient['loadProtoJSON']>[0];
type Fields = Record<string, { type: string; id: number }>;
type Nested = { nested?: Record<string, Nested>; fields?: Fields };

/**
 * `google.logging.v2.LogSink.intercept_children` (field 10 of Google's logging_config.proto). The protos bundled
 * with the client predate it, and gRPC drops fields its protos do not name, so it would always read as unset.
 */
export const INTERCEPT_CHILDREN = { name: 'interceptChildren', type: 'bool', id: 10 } as const;

const LOG_SINK = ['google', 'logging', 'v2', 'LogSink'];
const extended = new WeakMap<object, ProtoJson>();

function logSinkFields(json: ProtoJson): Fields | undefined {
  let node: Nested | undefined = json as Nested;
  for (const step of LOG_SINK) node = node?.nested?.[step];
  return node?.fields;
}

/** The protos with every LogSink field the connector reads; the same object once the bundled protos name them. */
export function withFullLogSink(json: ProtoJson): ProtoJson {
  const fields = logSinkFields(json);
  if (!fields || Object.values(fields).some((f) => f.id === INTERCEPT_CHILDREN.id)) return json;
  let copy = extended.get(json);
  if (!copy) {
    copy = structuredClone(json);
    const { name, type, id } = INTERCEPT_CHILDREN;
    logSinkFields(copy)![name] = { type, id };
    extended.set(json, copy);
  }
  return copy;
}

type Loaded = ReturnType<GrpcClient['loadProtoJSON']>;
type Root = ReturnType<typeof import('google-gax')['protobufFromJSON']>;
const loadedProtos = new WeakMap<object, Loaded>();
const protoRoots = new WeakMap<object, Root>();

/**
 * The protos a client module bundles, loaded once per process by the object's identity: google-gax's own cache
 * hashes the whole JSON on every client built, a cost paid per collection. They describe messages and services
 * only; each client keeps its own credentials and channel.
 */
function once<T>(cache: WeakMap<object, T>, json: object, load: () => T): T {
  let value = cache.get(json);
  if (!value) {
    value = load();
    cache.set(json, value);
  }
  return value;
}

export type ClientOptions = GrpcClientOptions & { apiEndpoint: string; port: number; sslCreds?: unknown };

/** What the connector calls of `ConfigServiceV2Client`. */
export interface ConfigClient {
  auth: GoogleAuth;
  initialize(): Promise<unknown>;
  close(): Promise<void>;
  listSinksStream(request: object, options: object): Readable;
  listExclusionsStream(request: object, options: object): Readable;
  listExclusions(request: object, options: object): Promise<unknown>;
  listBucketsStream(request: object, options: object): Readable;
  listSinks(request: object, options: object): Promise<unknown>;
  listBuckets(request: object, options: object): Promise<unknown>;
}

/** What the connector calls of `LoggingServiceV2Client`: one page of `entries.list`. */
export interface EntriesClient {
  auth: GoogleAuth;
  close(): Promise<void>;
  listLogEntries(request: object, options: object): Promise<[unknown[], unknown, unknown]>;
}

export interface Gapic {
  configClient(options: ClientOptions): ConfigClient;
  entriesClient(options: ClientOptions): EntriesClient;
}

async function load(): Promise<Gapic> {
  // google-gax is CommonJS: its names, not `default`, are what every loader (Node, tsx, the bundle) presents alike.
  const [{ v2 }, gax] = await Promise.all([import('@google-cloud/logging'), import('google-gax')]);
  /** google-gax as a GAPIC client takes it (its `gaxInstance`), loading the client's protos through `withFullLogSink`. */
  class FullLogSinkGrpcClient extends gax.GrpcClient {
    override loadProtoJSON(json: ProtoJson, ignoreCache?: boolean): Loaded {
      if (ignoreCache) return super.loadProtoJSON(withFullLogSink(json), true);
      return once(loadedProtos, json, () => super.loadProtoJSON(withFullLogSink(json)));
    }
  }
  const gaxInstance = {
    ...gax,
    GrpcClient: FullLogSinkGrpcClient,
    protobufFromJSON: (json: ProtoJson, ignoreCache?: boolean): Root =>
      ignoreCache ? gax.protobufFromJSON(json, true) : once(protoRoots, json, () => gax.protobufFromJSON(json)),
  };
  // `@google-cloud/logging` types its `v2` export as `any`; the interfaces above name the part the connector relies on.
  return {
    configClient: (options) => new v2.ConfigServiceV2Client(options, gaxInstance),
    entriesClient: (options) => new v2.LoggingServiceV2Client(options, gaxInstance),
  };
}

let loaded: Promise<Gapic> | undefined;

/** The logging clients, their libraries loaded on first use (see `createClients`). */
export function loadGapic(): Promise<Gapic> {
  loaded ??= load();
  return loaded;
}
