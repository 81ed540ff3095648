import { setMaxListeners } from 'node:events';
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { Accounting } from '../accounting.ts';
import { FaultPlan } from '../faults.ts';
import { type Scenario, type ScenarioInput, scenario as scenarioSchema } from '../scenario/schema.ts';
import { GcpTrail } from './activity.ts';
import { answer, type GcpState, type Owned } from './answer.ts';
import { refusal, type ServiceAccountKey, type SimulatedAccount, simulatedAccount } from './credentials.ts';
import { grpcFailure, isFailure } from './errors.ts';
import { loadServices, withoutDefaults } from './protos.ts';
import { type GcpQuotaOptions, MinuteQuota, quotaRules } from './quota.ts';
import { RPCS } from './rpcs.ts';
import { SEARCHES } from './search.ts';
import { AccessTokens, startTokenEndpoint } from './token.ts';
import { type GcpWorldView, gcpWorldView } from './world-view.ts';

export class GcpScenarioError extends Error {}

export interface GcpSimulatorOptions {
  /** Loopback only; 127.0.0.1 unless told otherwise. */
  host?: string;
  port?: number;
  accounting?: Accounting;
  /** Clock in epoch milliseconds for the per-minute quotas. */
  now?: () => number;
  /** The moment the worlds are generated at (audit entries count back from it); the scenario's `now`, else start. */
  worldNow?: Date;
  quotas?: GcpQuotaOptions;
}

export interface GcpSimulator {
  /** `127.0.0.1:PORT`, for a raw gRPC client; the Google clients take `apiEndpoint: '127.0.0.1'` and `port`. */
  address: string;
  port: number;
  faults: FaultPlan;
  accounting: Accounting;
  /** The one service-account key whose credentials the simulator accepts (any other is UNAUTHENTICATED). */
  serviceAccountKey: ServiceAccountKey;
  /** Origin of the OAuth token endpoint (`POST /token`), which exchanges the key's signed JWT for an access token. */
  tokenEndpoint: string;
  accessTokensIssued(): number;
  /** The test API that changes a resource and writes the Admin Activity entry Google would, after its delay. */
  trail: GcpTrail;
  close(): Promise<void>;
}

function owners(sc: Scenario, now: number): Map<string, Owned> {
  const out = new Map<string, Owned>();
  for (const t of sc.tenants) {
    if (!t.gcp) continue;
    let world: GcpWorldView;
    try {
      world = gcpWorldView(t.gcp, sc.seed, now);
    } catch (e) {
      throw new GcpScenarioError(`${t.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const resource of world.resources) {
      for (const name of [resource.name, ...resource.aliases]) {
        if (out.has(name)) throw new GcpScenarioError(`${name} appears in two tenants`);
        out.set(name, { tenant: t.name, resource, world });
      }
    }
  }
  return out;
}

function implementation(
  state: GcpState,
  serviceName: string,
  account: SimulatedAccount,
  tokens: AccessTokens,
): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const rpc of [...RPCS, ...SEARCHES].filter((r) => r.service === serviceName)) {
    impl[rpc.method] = (call: ServerUnaryCall<unknown, object>, callback: sendUnaryData<object>) => {
      const [authorization] = call.metadata.get('authorization');
      const bearer = typeof authorization === 'string' ? authorization : undefined;
      const refused = refusal(bearer, account, state.clock(), tokens);
      if (refused) {
        state.accounting.request('gcp', '(unknown)', rpc.endpoint, false);
        return callback(refused);
      }
      ('search' in rpc ? rpc.search(state, call.request) : answer(state, rpc, call.request))
        .then(({ tenant, reply }) => {
          state.accounting.request('gcp', tenant, rpc.endpoint, reply !== 'hang' && !isFailure(reply));
          if (reply === 'hang') return;
          if (isFailure(reply)) callback(reply);
          else callback(null, withoutDefaults(reply));
        })
        .catch((e: unknown) =>
          callback(grpcFailure(status.INTERNAL, e instanceof Error ? e.message : 'internal error')),
        );
    };
  }
  return impl;
}

/** Serves a scenario's GCP worlds over gRPC as Cloud Logging's config API and Resource Manager v3. */
export async function startGcpSimulator(
  input: Scenario | ScenarioInput,
  opts: GcpSimulatorOptions = {},
): Promise<GcpSimulator> {
  const sc = scenarioSchema.parse(input);
  const faults = new FaultPlan('gcp', sc.seed, sc.faults.gcp);
  for (const t of sc.tenants) if (t.faults.gcp) faults.set(t.name, t.faults.gcp);
  const rules = quotaRules(opts.quotas ?? {});
  const closing = new AbortController();
  // Every delayed answer listens for close: one per call in flight, from every tenant at once.
  setMaxListeners(0, closing.signal);
  const state: GcpState = {
    owners: owners(sc, (opts.worldNow ?? (sc.now ? new Date(sc.now) : new Date())).getTime()),
    faults,
    accounting: opts.accounting ?? new Accounting(),
    quotas: { logging: new MinuteQuota(rules.logging), resourceManager: new MinuteQuota(rules.resourceManager) },
    clock: opts.now ?? Date.now,
    closing: closing.signal,
  };

  const account = simulatedAccount();
  const tokens = new AccessTokens();
  const server = new Server();
  for (const [name, definition] of Object.entries(loadServices()))
    server.addService(definition, implementation(state, name, account, tokens));
  const host = opts.host ?? '127.0.0.1';
  const token = await startTokenEndpoint(host, account, tokens, state.clock);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${opts.port ?? 0}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
  return {
    address: `${host}:${port}`,
    port,
    faults,
    accounting: state.accounting,
    serviceAccountKey: account.key,
    tokenEndpoint: token.origin,
    accessTokensIssued: () => tokens.count,
    trail: new GcpTrail((name) => state.owners.get(name)?.resource, state.clock),
    close: async () => {
      closing.abort();
      server.forceShutdown();
      token.server.closeAllConnections();
      await new Promise<void>((resolve) => token.server.close(() => resolve()));
    },
  };
}
