import { type protos, v2 } from '@google-cloud/logging';
import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import { credentials } from '@grpc/grpc-js';
import { PassThroughClient } from 'google-auth-library';
import type { GcpSimulator } from './server.ts';

type Logging = typeof protos.google.logging.v2;
type Page<T, Q, R> = Promise<[T[], Q | null, R]>;
type ListSinks = protos.google.logging.v2.IListSinksRequest;
type ListBuckets = protos.google.logging.v2.IListBucketsRequest;
type ListEntries = protos.google.logging.v2.IListLogEntriesRequest;

/** The calls the tests make of `v2.ConfigServiceV2Client`, which `@google-cloud/logging` types as `any`. */
export interface ConfigClient {
  listBuckets(req: ListBuckets, opts?: object): Page<InstanceType<Logging['LogBucket']>, ListBuckets, unknown>;
  listBucketsAsync(req: ListBuckets, opts?: object): AsyncIterable<InstanceType<Logging['LogBucket']>>;
  listSinks(
    req: ListSinks,
    opts?: object,
  ): Page<InstanceType<Logging['LogSink']>, ListSinks, protos.google.logging.v2.IListSinksResponse>;
  listSinksAsync(req: ListSinks, opts?: object): AsyncIterable<InstanceType<Logging['LogSink']>>;
  close(): Promise<void>;
}

/** The calls the tests make of `v2.LoggingServiceV2Client`. */
export interface EntriesClient {
  listLogEntries(req: ListEntries, opts?: object): Page<InstanceType<Logging['LogEntry']>, ListEntries, unknown>;
  close(): Promise<void>;
}

type ResourceManagerOptions = NonNullable<ConstructorParameters<typeof ProjectsClient>[0]>;

/**
 * resource-manager 6.3 bundles google-auth-library 10, whose PassThroughClient differs from the 11.x one only in gaxios
 * generics; at run time gax needs just its request headers and universe domain, which both provide.
 */
function forResourceManager(auth: PassThroughClient): ResourceManagerOptions['authClient'] {
  return auth as unknown as ResourceManagerOptions['authClient'];
}

/**
 * How the GCP connector points the official clients at the simulator: plain gRPC to 127.0.0.1, and an auth client that
 * never looks for credentials (so nothing probes the metadata server).
 */
export function clientOptions(sim: GcpSimulator, projectId = 'unused') {
  return {
    apiEndpoint: '127.0.0.1',
    port: sim.port,
    sslCreds: credentials.createInsecure(),
    authClient: new PassThroughClient(),
    projectId,
  };
}

export function clients(sim: GcpSimulator) {
  const opts = clientOptions(sim);
  const rm = { ...opts, authClient: forResourceManager(opts.authClient) };
  const config: ConfigClient = new v2.ConfigServiceV2Client(opts);
  const entries: EntriesClient = new v2.LoggingServiceV2Client(opts);
  const projects = new ProjectsClient(rm);
  const folders = new FoldersClient(rm);
  const organizations = new OrganizationsClient(rm);
  const close = async () => {
    await Promise.all([config.close(), entries.close(), projects.close(), folders.close(), organizations.close()]);
  };
  return { config, entries, projects, folders, organizations, close };
}
