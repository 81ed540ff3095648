import { setMaxListeners } from 'node:events';
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import { Accounting } from '../accounting.ts';
import { FaultPlan } from '../faults.ts';
import { faultSpec, type Scenario } from '../scenario/schema.ts';
import { mspApp, type SimulatedApp, simulatedApp } from './app.ts';
import { TokenIssuer } from './auth.ts';
import { type DirectoryChanges, directoryChanges } from './changes.ts';
import { ConsentRegistry } from './consent.ts';
import { OidcProvider } from './oidc.ts';
import { handleRequest } from './pipeline.ts';
import { Router } from './router.ts';
import type { SimState } from './state.ts';
import { TenantRegistry } from './tenants.ts';
import { RealThrottles } from './throttling.ts';
import { serverCertificate } from './tls.ts';

export interface GraphSimulatorOptions {
  /** Only loopback addresses make sense; default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  accounting?: Accounting;
  /** The moment the world is generated at; defaults to the scenario's `now`, else the start time. */
  now?: Date;
  /**
   * Multiplies every real throttle window (and the fault throttle's Retry-After): 0.01 turns the 10 s reports window
   * into 100 ms. Retry-After is then sent in fractional seconds. Default 1.
   */
  throttleScale?: number;
}

export interface GraphSimulator {
  /** `https://127.0.0.1:PORT`: the Graph base URL, the identity authority host and the ARM endpoint at once. */
  url: string;
  /** The PEM certificate to trust (it is its own CA). */
  caCert: string;
  /** The collector's app registration, consented in every tenant. */
  app: SimulatedApp;
  /**
   * The MSP's multi-tenant app, registered in the scenario's partner tenant (one with `partner`): it reads GDAP
   * there, and is consented in a customer tenant only as the scenario says or once an admin accepts on the
   * admin-consent page (`GET /{tenant|organizations}/v2.0/adminconsent`).
   */
  mspApp: SimulatedApp;
  /** Whether an app has admin consent in a tenant (by scenario name); what the admin-consent page records. */
  consented(clientId: string, tenant: string): boolean;
  faults: FaultPlan;
  accounting: Accounting;
  /** Sets who the OpenID Connect sign-in page signs in as (`amr` without `mfa`: a password-only sign-in). */
  oidc: Pick<OidcProvider, 'signInAs'>;
  /** Changes to the tenants' worlds while running, each leaving a directory-audit entry. */
  changes: DirectoryChanges;
  close(): Promise<void>;
}

/** Starts a local HTTPS server that answers as Microsoft Graph, Entra ID's token endpoint and ARM do for the scenario. */
export async function startGraphSimulator(
  scenario: Scenario,
  opts: GraphSimulatorOptions = {},
): Promise<GraphSimulator> {
  const now = opts.now ?? (scenario.now ? new Date(scenario.now) : new Date());
  const faults = new FaultPlan('graph', scenario.seed, scenario.faults.graph ?? faultSpec.parse({}));
  for (const t of scenario.tenants) if (t.faults.graph) faults.set(t.name, t.faults.graph);
  const accounting = opts.accounting ?? new Accounting();
  const closing = new AbortController();
  // Every delayed answer listens for close: one per request in flight, from every tenant at once.
  setMaxListeners(0, closing.signal);
  const app = simulatedApp(scenario.seed);
  const msp = mspApp(scenario.seed);
  const tenants = new TenantRegistry(scenario, now);
  const consents = new ConsentRegistry(app, msp, tenants);
  const state: SimState = {
    seed: scenario.seed,
    tenants,
    tokens: new TokenIssuer(consents),
    consents,
    oidc: new OidcProvider(),
    router: new Router(),
    faults,
    accounting,
    throttles: new RealThrottles(opts.throttleScale ?? 1),
    closing: closing.signal,
  };
  const { key, cert } = await serverCertificate();
  const sockets = new Set<Socket>();
  const server = createServer({ key, cert }, (req, res) => {
    handleRequest(state, req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String(e) } }));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `https://${host}:${port}`,
    caCert: cert,
    app,
    mspApp: msp,
    consented: (clientId, name) => {
      const known = consents.app(clientId);
      const tenant = tenants.named(name);
      return known !== undefined && tenant !== undefined && consents.consented(known, tenant);
    },
    faults,
    accounting,
    oidc: state.oidc,
    changes: directoryChanges(tenants),
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort(new Error('simulator closed'));
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
