import { gcpLoggingConnector } from '@evident/connector-gcp-logging';
import { githubConnector } from '@evident/connector-github';
import { egressPolicy } from '@evident/connector-kit';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { scenario, startSimulators } from '@evident/simulators';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, testDeps } from '../testing/index.ts';

/** A token made without read:org: its check fails, naming the scope. */
const world = scenario.parse({
  seed: 3,
  tenants: [{ name: 'fabrikam', github: { org: 'fabrikam', members: 4, tokenScopes: ['read:audit_log'] } }],
});

const refusal = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error instanceof TRPCError && error.code, String(error)).toBe('BAD_REQUEST');
  return (error as TRPCError).cause as unknown as { message: string; issues: { path: string; message: string }[] };
};

let sims: Awaited<ReturnType<typeof startSimulators>>;
let db: TestDatabase;
beforeAll(async () => {
  sims = await startSimulators(world, { throttleScale: 0.01 });
  db = await openTestDatabase('pg');
}, 180_000);
afterAll(async () => {
  await sims?.close();
  await db?.close();
});

let n = 0;
describe('saving a connection from the form', () => {
  async function setUp(allowed: string | undefined = sims.allowedEndpoints) {
    const deps = testDeps(db.store, {
      connectors: { github: githubConnector, 'gcp-logging': gcpLoggingConnector },
      egress: egressPolicy(allowed),
    });
    const owner = await signedIn(deps, { email: `form${++n}@p.example` });
    const tenant = await owner.call.tenant.create({ name: 'Fabrikam', kind: 'customer' });
    const sim = sims.connections('fabrikam').find((c) => c.kind === 'github')!;
    return { deps, owner, tenant, sim };
  }

  it('says whether endpoint overrides are allowed, and which settings the credentials are bound to', async () => {
    const withSims = await (await setUp()).owner.call.connections.kinds();
    expect(withSims.endpointOverrides).toBe(true);
    const github = withSims.providers.find((p) => p.kind === 'github')!;
    expect(github.title).toBe('GitHub');
    expect(github.credentialBound).toEqual(['endpoints', 'org', 'enterprise']);
    expect(github.configSchema).toMatchObject({ properties: { org: { title: 'Organization' } } });
    expect((await (await setUp('')).owner.call.connections.kinds()).endpointOverrides).toBe(false);
  });

  it('a failed check saved anyway is "needs attention", with the server’s reason naming what is missing', async () => {
    const { owner, tenant, sim } = await setUp();
    const input = { tenantId: tenant.id, kind: 'github' as const, config: sim.config, secret: sim.secret };
    expect((await owner.call.connections.check(input)).ok).toBe(false);
    const { id, status } = await owner.call.connections.create({ ...input, name: 'gh', saveAnyway: true });
    expect(status).toBe('needs_attention');
    const [saved] = await owner.call.connections.list({ tenantId: tenant.id });
    expect(saved).toMatchObject({ id, status: 'needs_attention' });
    expect(saved!.statusReason).toMatch(/^Saved although the access check failed: .*read:org is missing/);
  });

  it('names the credential-bound field that needs the secret again', async () => {
    const { owner, tenant, sim } = await setUp();
    const { id } = await owner.call.connections.create({
      tenantId: tenant.id,
      kind: 'github',
      name: 'gh',
      config: sim.config,
      secret: sim.secret,
    });
    const cause = await refusal(
      owner.call.connections.update({
        tenantId: tenant.id,
        connectionId: id,
        config: { ...sim.config, org: 'someone-else' },
      }),
    );
    expect(cause.issues.map((i) => i.path)).toEqual(['config.org', 'secret']);
  });

  it('refusals are in words: required fields, a malformed PEM', async () => {
    const { owner, tenant, sim } = await setUp();
    const missing = await refusal(
      owner.call.connections.check({ tenantId: tenant.id, kind: 'github', config: {}, secret: sim.secret }),
    );
    expect(missing.issues).toEqual([{ path: 'config.org', message: 'is required' }]);
    const pem = await refusal(
      owner.call.connections.create({
        tenantId: tenant.id,
        kind: 'github',
        name: 'gh',
        config: sim.config,
        secret: { kind: 'app', appId: '12', installationId: '34', privateKey: 'not a key' },
      }),
    );
    expect(pem.issues).toEqual([{ path: 'secret.privateKey', message: expect.stringMatching(/^expected a PEM/) }]);
    expect(JSON.stringify([missing, pem])).not.toMatch(/Invalid input|received undefined/);
  });

  it('Google Cloud’s plain text is refused in words unless the deployment lists simulators', async () => {
    const { owner, tenant } = await setUp('');
    const cause = await refusal(
      owner.call.connections.create({
        tenantId: tenant.id,
        kind: 'gcp-logging',
        name: 'gcp',
        config: {
          resources: ['projects/p'],
          endpoints: { logging: '127.0.0.1:9', resourceManager: '127.0.0.1:9', insecure: true },
        },
        secret: {},
      }),
    );
    expect(cause.issues).toEqual([
      {
        path: 'config.endpoints.insecure',
        message: expect.stringMatching(/only for a local simulator this deployment allows/),
      },
    ]);
    const allowed = await setUp();
    const google = await refusal(
      allowed.owner.call.connections.check({
        tenantId: allowed.tenant.id,
        kind: 'gcp-logging',
        config: { resources: ['projects/p'], endpoints: { insecure: true } },
        secret: {},
      }),
    );
    expect(google.issues.map((i) => i.path)).toEqual(['config.endpoints.insecure']);
  });
});
