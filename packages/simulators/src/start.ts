import { Accounting } from './accounting.ts';
import { type AwsSimulator, type AwsWorld, awsWorld, startAwsSimulator } from './aws/index.ts';
import { type GcpQuotaOptions, type GcpSimulator, startGcpSimulator } from './gcp/index.ts';
import {
  type GithubRateLimitOptions,
  type GithubSimulator,
  githubConnectionSecret,
  startGithubSimulator,
} from './github/index.ts';
import { entraDirectory, type GraphSimulator, startGraphSimulator } from './graph/index.ts';
import { type Scenario, type ScenarioInput, scenario as scenarioSchema, type TenantWorld } from './scenario/schema.ts';
import { startWorkspaceSimulator, type WorkspaceSimulator, workspacePreset } from './workspace/index.ts';

export interface SimulatorsOptions {
  host?: string;
  ports?: { graph?: number; github?: number; gcp?: number; aws?: number };
  /** Shrinks the providers' real throttle windows (0.01: a 10 s window lasts 100 ms), for tests. */
  throttleScale?: number;
  githubRateLimits?: GithubRateLimitOptions;
  gcpQuotas?: GcpQuotaOptions;
}

/** A connection as `evident assess` reads it: what a user would paste into a config to point Evident at a tenant. */
export interface SimulatedConnection {
  kind: 'entra' | 'github' | 'gcp-logging' | 'google-workspace' | 'aws';
  name: string;
  config: Record<string, unknown>;
  secret: Record<string, unknown>;
}

export interface Simulators {
  scenario: Scenario;
  graph: GraphSimulator | undefined;
  github: GithubSimulator | undefined;
  gcp: GcpSimulator | undefined;
  /** One Workspace simulator per tenant that has a Workspace, by tenant name. */
  workspace: Record<string, WorkspaceSimulator>;
  aws: AwsSimulator | undefined;
  accounting: Accounting;
  /** The connections of one tenant of the scenario, pointed at these simulators. */
  connections(tenant: string): SimulatedConnection[];
  /** `EVIDENT_ALLOWED_ENDPOINTS` for a deployment pointed at these simulators. */
  allowedEndpoints: string;
  close(): Promise<void>;
}

function entraConnection(t: TenantWorld, sc: Scenario, graph: GraphSimulator): SimulatedConnection {
  const world = t.entra!;
  const dir = entraDirectory(world, sc.seed, sc.now ? new Date(sc.now) : new Date());
  const breakGlass = Array.from({ length: world.breakGlass }, (_, i) => dir.user(i).userPrincipalName);
  return {
    kind: 'entra',
    name: `${t.name}-entra`,
    config: {
      tenantId: world.tenantId,
      clientId: graph.app.clientId,
      breakGlass,
      mspDomains: [world.mspDomain],
      endpoints: { graph: graph.url, login: graph.url, arm: graph.url, caCert: graph.caCert },
    },
    secret: { clientSecret: graph.app.clientSecret },
  };
}

/** Every tenant's AWS accounts in one world; a tenant's accounts share the external id its connection holds. */
function awsWorldOf(sc: Scenario): AwsWorld {
  const world = awsWorld('healthy', []);
  for (const t of sc.tenants) {
    if (!t.aws) continue;
    for (const a of awsWorld(t.aws.preset, awsAccountsOf(sc, t)).accounts) {
      world.accounts.push({ ...a, externalId: `evident-${t.name}` });
    }
  }
  return world;
}

function awsAccountsOf(sc: Scenario, t: TenantWorld): string[] {
  return t.aws?.accounts ?? [String(100_000_000_000 + sc.tenants.indexOf(t) * 1_000 + 1)];
}

function gcpResources(t: TenantWorld): string[] {
  const world = t.gcp!;
  if (world.organizationId) return [`organizations/${world.organizationId}`];
  return world.projects.map((p) => `projects/${p.projectId}`);
}

/** Starts the simulators a scenario needs (one server per provider, shared by all its tenants). */
export async function startSimulators(
  input: Scenario | ScenarioInput,
  options: SimulatorsOptions = {},
): Promise<Simulators> {
  const sc = scenarioSchema.parse(input);
  const accounting = new Accounting();
  const host = options.host ?? '127.0.0.1';
  const needs = (k: 'entra' | 'github' | 'gcp' | 'aws') => sc.tenants.some((t) => t[k] !== undefined);
  const started: { close(): Promise<void> }[] = [];
  try {
    const graph = needs('entra')
      ? await startGraphSimulator(sc, {
          host,
          accounting,
          ...(options.ports?.graph ? { port: options.ports.graph } : {}),
          ...(options.throttleScale ? { throttleScale: options.throttleScale } : {}),
        })
      : undefined;
    if (graph) started.push(graph);
    const github = needs('github')
      ? await startGithubSimulator(sc, {
          host,
          accounting,
          ...(options.ports?.github ? { port: options.ports.github } : {}),
          ...(options.githubRateLimits ? { rateLimits: options.githubRateLimits } : {}),
        })
      : undefined;
    if (github) started.push(github);
    const gcp = needs('gcp')
      ? await startGcpSimulator(sc, {
          host,
          accounting,
          ...(options.ports?.gcp ? { port: options.ports.gcp } : {}),
          ...(options.gcpQuotas ? { quotas: options.gcpQuotas } : {}),
        })
      : undefined;
    if (gcp) started.push(gcp);
    const workspace: Record<string, WorkspaceSimulator> = {};
    const now = sc.now ? new Date(sc.now) : new Date();
    for (const t of sc.tenants) {
      if (!t.workspace) continue;
      const sim = await startWorkspaceSimulator(workspacePreset(t.workspace.preset, now, t.workspace.domain), { host });
      started.push(sim);
      workspace[t.name] = sim;
    }
    const aws = needs('aws')
      ? await startAwsSimulator(awsWorldOf(sc), { host, ...(options.ports?.aws ? { port: options.ports.aws } : {}) })
      : undefined;
    if (aws) started.push(aws);

    const connections = (tenant: string): SimulatedConnection[] => {
      const t = sc.tenants.find((x) => x.name === tenant);
      if (!t) throw new Error(`the scenario has no tenant "${tenant}"`);
      const out: SimulatedConnection[] = [];
      if (t.entra && graph) out.push(entraConnection(t, sc, graph));
      if (t.github && github) {
        out.push({
          kind: 'github',
          name: `${t.name}-github`,
          config: {
            org: t.github.connectionOrg ?? t.github.org,
            ...(t.github.managedUsers ? { managedUsers: t.entra ? { idpConnection: `${t.name}-entra` } : {} } : {}),
            // The simulated MSP works through Entra guests only; declaring none here makes MFA-03 say so.
            mspLogins: [],
            // The simulator names an Enterprise Cloud org's enterprise after the org.
            ...(t.github.plan === 'enterprise' ? { enterprise: t.github.org } : {}),
            endpoints: { api: github.url },
          },
          secret: githubConnectionSecret(t.github, github),
        });
      }
      if (t.gcp && gcp) {
        out.push({
          kind: 'gcp-logging',
          name: `${t.name}-gcp`,
          config: {
            resources: gcpResources(t),
            endpoints: { logging: gcp.address, resourceManager: gcp.address, insecure: true },
          },
          secret: { serviceAccountKey: gcp.serviceAccountKey },
        });
      }
      const ws = workspace[t.name];
      if (ws) {
        out.push({
          kind: 'google-workspace',
          name: `${t.name}-workspace`,
          config: {
            adminEmail: ws.world.reader,
            customerId: 'my_customer',
            endpoints: { api: ws.tokenOrigin, token: ws.tokenOrigin },
          },
          secret: { serviceAccountKey: ws.serviceAccountKey },
        });
      }
      if (t.aws && aws) {
        out.push({
          kind: 'aws',
          name: `${t.name}-aws`,
          config: {
            accounts: awsAccountsOf(sc, t),
            roleName: aws.world.accounts[0]?.roleName ?? 'EvidentReadOnly',
            externalId: `evident-${t.name}`,
            region: aws.world.region,
            endpoints: {
              iam: aws.url,
              sts: aws.url,
              cloudtrail: aws.url,
              logs: aws.url,
              s3: aws.url,
              caCert: aws.caCert,
            },
          },
          secret: { accessKeyId: aws.world.accessKeyId, secretAccessKey: aws.world.secretAccessKey },
        });
      }
      return out;
    };

    return {
      scenario: sc,
      graph,
      github,
      gcp,
      workspace,
      aws,
      accounting,
      connections,
      allowedEndpoints: [
        graph && new URL(graph.url).host,
        github && new URL(github.url).host,
        gcp?.address,
        ...Object.values(workspace).map((w) => new URL(w.url).host),
        aws && new URL(aws.url).host,
      ]
        .filter(Boolean)
        .join(','),
      close: async () => {
        await Promise.all(started.map((s) => s.close()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
}
