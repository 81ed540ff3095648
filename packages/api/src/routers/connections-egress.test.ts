import { githubConnector } from '@evident/connector-github';
import { egressPolicy } from '@evident/connector-kit';
import { describeBothDrivers } from '@evident/db/testing';
import { combinePresets, startSimulators } from '@evident/simulators';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signedIn, testDeps } from '../testing/index.ts';

const refusal = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error instanceof TRPCError && error.code, String(error)).toBe('BAD_REQUEST');
  const cause = (error as TRPCError).cause as { message: string; issues?: { message: string }[] };
  return [cause.message, ...(cause.issues ?? []).map((i) => i.message)].join(' | ');
};

let sims: Awaited<ReturnType<typeof startSimulators>>;
beforeAll(async () => {
  sims = await startSimulators(combinePresets(['healthy']), { throttleScale: 0.01 });
});
afterAll(() => sims?.close());

let n = 0;
describeBothDrivers('connections through the egress policy', (t) => {
  async function world() {
    const deps = testDeps(t().store, {
      connectors: { github: githubConnector },
      egress: egressPolicy(sims.allowedEndpoints),
    });
    const owner = await signedIn(deps, { email: `egress${++n}@p.example` });
    const tenant = await owner.call.tenant.create({ name: 'Acme', kind: 'customer' });
    const sim = sims.connections(sims.scenario.tenants[0]!.name).find((c) => c.kind === 'github')!;
    const config = sim.config as { org: string; endpoints: Record<string, string> };
    return { deps, owner, tenant, sim, config };
  }

  it.each([
    ['cloud metadata', 'http://169.254.169.254', /169\.254\.169\.254:80 is not in EVIDENT_ALLOWED_ENDPOINTS/],
    ['an unlisted private address', 'https://10.0.0.7', /10\.0\.0\.7:443 is not in EVIDENT_ALLOWED_ENDPOINTS/],
    ['plain http to a public host', 'http://api.github.com', /api\.github\.com:80 is not in/],
    ['a path', 'https://api.github.com/latest/meta-data', /origin only/],
  ])('refuses an override to %s, and saves nothing', async (_, api, why) => {
    const { owner, tenant, sim, config } = await world();
    const bad = { ...config, endpoints: { ...config.endpoints, api } };
    for (const call of [
      () => owner.call.connections.check({ tenantId: tenant.id, kind: 'github', config: bad, secret: sim.secret }),
      () =>
        owner.call.connections.create({
          tenantId: tenant.id,
          kind: 'github',
          name: 'gh',
          config: bad,
          secret: sim.secret,
        }),
    ]) {
      const message = await refusal(call());
      expect(message).toContain('egress policy');
      expect(message).toMatch(why);
    }
    expect(await owner.call.connections.list({ tenantId: tenant.id })).toEqual([]);
  });

  it('an update that points elsewhere or reads another org needs the secret again; with it, it is saved', async () => {
    const { deps, owner, tenant, sim, config } = await world();
    const { id } = await owner.call.connections.create({
      tenantId: tenant.id,
      kind: 'github',
      name: 'gh',
      config,
      secret: sim.secret,
    });
    const other = { ...config, org: 'someone-else' };
    const message = await refusal(
      owner.call.connections.update({ tenantId: tenant.id, connectionId: id, config: other }),
    );
    expect(message).toMatch(/needs its credentials again/);
    const stored = await refusal(
      owner.call.connections.check({ tenantId: tenant.id, kind: 'github', config: other, connectionId: id }),
    );
    expect(stored).toMatch(/needs its credentials again/);
    const bad = { ...config, endpoints: { api: 'http://169.254.169.254' } };
    await refusal(
      owner.call.connections.update({ tenantId: tenant.id, connectionId: id, config: bad, secret: sim.secret }),
    );
    expect((await deps.store.getConnection(owner.org, id)).config).toMatchObject(config);

    await owner.call.connections.update({ tenantId: tenant.id, connectionId: id, config: other, secret: sim.secret });
    expect((await deps.store.getConnection(owner.org, id)).config).toMatchObject({ org: 'someone-else' });
    // The name is not identity: changing only it keeps the stored secret.
    await owner.call.connections.update({ tenantId: tenant.id, connectionId: id, config: { ...other } });
  });
});
