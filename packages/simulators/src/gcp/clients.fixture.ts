import { ConfigServiceV2Client } from '@google-cloud/logging-api';
import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import { credentials } from '@grpc/grpc-js';
import { PassThroughClient } from 'google-auth-library';
import type { GcpSimulator } from './server.ts';

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
  const config = new ConfigServiceV2Client(opts);
  const projects = new ProjectsClient(rm);
  const folders = new FoldersClient(rm);
  const organizations = new OrganizationsClient(rm);
  const close = async () => {
    await Promise.all([config.close(), projects.close(), folders.close(), organizations.close()]);
  };
  return { config, projects, folders, organizations, close };
}
