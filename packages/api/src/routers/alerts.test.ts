import { egressPolicy } from '@evident/connector-kit';
import type { OrganizationId } from '@evident/core';
import { describeBothDrivers } from '@evident/db/testing';
import { startHaloPsaSimulator } from '@evident/simulators/psa';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import type { AlertQueue, ApiDeps } from '../context.ts';
import { signedIn, testDeps } from '../testing/index.ts';

const SIGNING = 'a-webhook-signing-secret-of-32-chars!';
const HOOK = 'http://127.0.0.1:4599';
const SMTP_PORT = 4525;

async function refused(call: Promise<unknown>, code: TRPCError['code'] = 'BAD_REQUEST'): Promise<string> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error instanceof TRPCError && error.code, String(error)).toBe(code);
  const cause = (error as TRPCError).cause as { issues?: { path: string; message: string }[] } | undefined;
  return [(error as TRPCError).message, ...(cause?.issues ?? []).map((i) => `${i.path}: ${i.message}`)].join(' | ');
}

let n = 0;
describeBothDrivers('alert settings through the API', (t) => {
  async function world() {
    const queued: { org: OrganizationId; id: string; round: number }[] = [];
    const alerts: AlertQueue = {
      async enqueue(org, rows) {
        for (const r of rows) queued.push({ org, id: r.id, round: r.round });
      },
    };
    const deps: ApiDeps = testDeps(t().store, {
      egress: egressPolicy(`127.0.0.1:4599,127.0.0.1:${SMTP_PORT}`),
      alerts,
    });
    const owner = await signedIn(deps, { email: `alerts${++n}@p.example` });
    const analyst = await signedIn(deps, { email: `analyst${n}@p.example`, role: 'analyst', org: owner.org });
    const tenant = await owner.call.tenant.create({ name: 'Northwind', kind: 'customer' });
    const hook = await owner.call.alerts.channels.create({
      kind: 'webhook',
      name: 'SOC hook',
      config: { url: `${HOOK}/hook` },
      secret: { signingSecret: SIGNING },
    });
    return { deps, owner, analyst, tenant, hook, queued };
  }

  it('keeps secrets write-only, audits every change, and lists channels for any staff member', async () => {
    const { deps, owner, analyst, hook } = await world();
    const mail = await owner.call.alerts.channels.create({
      kind: 'email',
      name: 'SOC mail',
      config: { host: '127.0.0.1', port: SMTP_PORT, secure: false, from: 'a@msp.example', to: ['soc@msp.example'] },
      secret: { password: 'mail-password-never-shown' },
    });
    const listed = await analyst.call.alerts.channels.list();
    expect(listed.map((c) => c.id)).toEqual([hook.id, mail.id]);
    expect(JSON.stringify(listed)).not.toMatch(/signing-secret|mail-password/);
    expect(listed[0]!.config).toEqual({ url: `${HOOK}/hook` });
    const kinds = await analyst.call.alerts.channels.kinds();
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['webhook', 'slack', 'teams', 'email']));
    expect(kinds.find((k) => k.kind === 'webhook')!.secretSchema).toMatchObject({ required: ['signingSecret'] });

    await owner.call.alerts.channels.update({ channelId: mail.id, name: 'NOC mail' });
    await owner.call.alerts.channels.remove({ channelId: mail.id });
    const actions = (await deps.store.listAudit(owner.org)).map((e) => `${e.action} ${e.target}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `alert_channel.create ${hook.id}`,
        `alert_channel.create ${mail.id}`,
        `alert_channel.update ${mail.id}`,
        `alert_channel.remove ${mail.id}`,
      ]),
    );
    expect(JSON.stringify(await deps.store.listAudit(owner.org))).not.toMatch(/signing-secret|mail-password/);
    expect((await owner.call.alerts.channels.list()).map((c) => c.id)).toEqual([hook.id]);
  });

  it.each([
    ['the cloud metadata service', 'http://169.254.169.254/latest', /169\.254\.169\.254 is a link-local address/],
    ['a private address', 'https://10.0.0.7/hook', /10\.0\.0\.7:443 is a private address not in EVIDENT_ALLOWED/],
    ['plain http to a public host', 'http://hooks.example.com/x', /must be reached over TLS/],
    ['an unlisted loopback port', 'http://127.0.0.1:6379/', /127\.0\.0\.1:6379 is a loopback address not in/],
  ])('refuses a webhook to %s in words, and saves nothing', async (_, url, why) => {
    const { owner, hook } = await world();
    const message = await refused(
      owner.call.alerts.channels.create({
        kind: 'webhook',
        name: 'x',
        config: { url },
        secret: { signingSecret: SIGNING },
      }),
    );
    expect(message).toContain('egress policy');
    expect(message).toMatch(why);
    const slack = await refused(
      owner.call.alerts.channels.create({ kind: 'slack', name: 'x', config: {}, secret: { url } }),
    );
    expect(slack).toMatch(why);
    await refused(
      owner.call.alerts.channels.update({ channelId: hook.id, config: { url }, secret: { signingSecret: SIGNING } }),
    );
    expect((await owner.call.alerts.channels.list()).map((c) => [c.id, c.config])).toEqual([
      [hook.id, { url: `${HOOK}/hook` }],
    ]);
  });

  it('refuses bad input in words, never as a dump of the validator', async () => {
    const { owner } = await world();
    const kind = await refused(owner.call.alerts.channels.create({ kind: 'pager', name: 'x', config: {}, secret: {} }));
    expect(kind).toMatch(/there is no alert channel of kind pager/);
    const short = await refused(
      owner.call.alerts.channels.create({
        kind: 'webhook',
        name: 'x',
        config: { url: `${HOOK}/h` },
        secret: { signingSecret: 'short' },
      }),
    );
    expect(short).toMatch(/secret\.signingSecret: .*32/);
    const unnamed = await refused(
      owner.call.alerts.channels.create({ kind: 'webhook', name: ' ', config: {}, secret: {} }),
    );
    expect(unnamed).toMatch(/name: give the channel a name/);
    expect(unnamed).not.toContain('"code"');
    const rule = await refused(owner.call.alerts.rules.create({ rule: { channelId: 'x', controlIds: ['NOPE-99'] } }));
    expect(rule).toMatch(/controlIds: NOPE-99 is not a control of the catalog/);
    expect((await owner.call.alerts.rules.list()).rules).toEqual([]);
  });

  it('needs the secret again to send elsewhere; a rename or the same address keeps it', async () => {
    const { deps, owner, hook } = await world();
    const elsewhere = await refused(
      owner.call.alerts.channels.update({ channelId: hook.id, config: { url: `${HOOK}/other` } }),
    );
    expect(elsewhere).toMatch(/changing where a channel sends needs its credentials again/);
    await owner.call.alerts.channels.update({ channelId: hook.id, name: 'Renamed', config: { url: `${HOOK}/hook` } });
    const secret = 'another-signing-secret-of-32-characters';
    await owner.call.alerts.channels.update({
      channelId: hook.id,
      config: { url: `${HOOK}/other` },
      secret: { signingSecret: secret },
    });
    const stored = await deps.store.readAlertChannel(owner.org, hook.id);
    expect(stored).toMatchObject({
      name: 'Renamed',
      config: { url: `${HOOK}/other` },
      secret: { signingSecret: secret },
    });
  });

  it('lets only admins change channels and rules; other organizations see none of it', async () => {
    const { deps, owner, analyst, tenant, hook } = await world();
    const rule = await owner.call.alerts.rules.create({ rule: { channelId: hook.id } });
    for (const call of [
      () =>
        analyst.call.alerts.channels.create({
          kind: 'webhook',
          name: 'x',
          config: { url: `${HOOK}/x` },
          secret: { signingSecret: SIGNING },
        }),
      () => analyst.call.alerts.channels.update({ channelId: hook.id, name: 'mine' }),
      () => analyst.call.alerts.channels.remove({ channelId: hook.id }),
      () => analyst.call.alerts.channels.test({ channelId: hook.id }),
      () => analyst.call.alerts.rules.create({ rule: { channelId: hook.id } }),
      () => analyst.call.alerts.rules.remove({ ruleId: rule.id }),
      () => analyst.call.alerts.rules.mute({ tenantId: tenant.id, until: null }),
    ])
      await refused(call(), 'FORBIDDEN');

    const other = await signedIn(deps, { email: `other${n}@q.example`, organizationName: 'Other MSP' });
    const otherTenant = await other.call.tenant.create({ name: 'Theirs', kind: 'customer' });
    for (const call of [
      () => other.call.alerts.channels.update({ channelId: hook.id, name: 'taken' }),
      () => other.call.alerts.channels.remove({ channelId: hook.id }),
      () => other.call.alerts.channels.test({ channelId: hook.id, tenantId: otherTenant.id }),
      () => other.call.alerts.rules.create({ rule: { channelId: hook.id } }),
      () => other.call.alerts.rules.update({ ruleId: rule.id, rule: { channelId: hook.id, enabled: false } }),
      () => other.call.alerts.rules.remove({ ruleId: rule.id }),
      () => other.call.alerts.rules.mute({ tenantId: tenant.id, until: null }),
      () => other.call.alerts.deliveries.list({ tenantId: tenant.id }),
    ])
      await refused(call(), 'NOT_FOUND');
    expect(await other.call.alerts.channels.list()).toEqual([]);
    expect((await other.call.alerts.rules.list()).rules).toEqual([]);
    expect((await owner.call.alerts.channels.list())[0]!.name).toBe('SOC hook');
    expect((await owner.call.alerts.rules.list()).rules).toMatchObject([{ id: rule.id, enabled: true }]);
  });

  it('keeps default rules, tenant overrides and mutes', async () => {
    const { owner, tenant, hook } = await world();
    const fallback = await owner.call.alerts.rules.create({
      rule: { channelId: hook.id, eventTypes: ['control.regressed'], frameworks: ['cis-v8'] },
    });
    const override = await owner.call.alerts.rules.create({
      rule: { channelId: hook.id, tenantId: tenant.id, controlIds: ['MFA-01'] },
    });
    await owner.call.alerts.rules.update({
      ruleId: override.id,
      rule: { channelId: hook.id, tenantId: tenant.id, enabled: false },
    });
    const until = new Date(Date.now() + 86_400_000).toISOString();
    await owner.call.alerts.rules.mute({ tenantId: tenant.id, until });
    const listed = await owner.call.alerts.rules.list();
    expect(listed.rules).toMatchObject([
      { id: fallback.id, tenantId: null, eventTypes: ['control.regressed'], frameworks: ['cis-v8'] },
      { id: override.id, tenantId: tenant.id, enabled: false, controlIds: [] },
    ]);
    expect(listed.mutes).toEqual([{ tenantId: tenant.id, until }]);
    await owner.call.alerts.rules.mute({ tenantId: tenant.id, until: null });
    await owner.call.alerts.rules.remove({ ruleId: override.id });
    expect(await owner.call.alerts.rules.list()).toMatchObject({ rules: [{ id: fallback.id }], mutes: [] });
    const options = await owner.call.alerts.rules.options();
    expect(options.controls.map((c) => c.id)).toContain('MFA-01');
    expect(options.ruleSchema).toMatchObject({ properties: { eventTypes: { type: 'array' } } });
  });

  it('sends a test through the outbox, pages the log, and retries a dead letter once', async () => {
    const { deps, owner, analyst, tenant, hook, queued } = await world();
    const none = await refused(owner.call.alerts.channels.test({ channelId: hook.id }));
    expect(none).toMatch(/run an assessment of the tenant first/);
    await deps.store.createRun(owner.org, { tenantId: tenant.id, trigger: 'manual' });

    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await owner.call.alerts.channels.test({ channelId: hook.id }));
    expect(sent.every((s) => s.queued && s.tenantId === tenant.id)).toBe(true);
    expect(queued.map((q) => [q.org, q.id, q.round])).toEqual(sent.map((s) => [owner.org, s.deliveryId, 0]));

    const first = await analyst.call.alerts.deliveries.list({ limit: 2 });
    expect(first.items.map((d) => d.id)).toEqual([sent[2]!.deliveryId, sent[1]!.deliveryId]);
    expect(first.items[0]).toMatchObject({
      test: true,
      status: 'pending',
      channel: { id: hook.id, name: 'SOC hook', kind: 'webhook' },
      tenant: { id: tenant.id, name: 'Northwind' },
      reason: expect.stringContaining('Test alert'),
    });
    const second = await analyst.call.alerts.deliveries.list({ limit: 2, after: first.next! });
    expect(second).toMatchObject({ items: [{ id: sent[0]!.deliveryId }], next: null });
    expect((await owner.call.alerts.deliveries.list({ tenantId: tenant.id })).items).toHaveLength(3);

    const pending = await refused(owner.call.alerts.deliveries.retry({ deliveryId: sent[0]!.deliveryId }), 'CONFLICT');
    expect(pending).toMatch(/only a dead-lettered delivery can be retried; this one is pending/);
    await deps.store.recordAlertFailure(owner.org, sent[0]!.deliveryId, { error: 'hook answered 500', dead: true });
    const dead = await owner.call.alerts.deliveries.list({ status: 'dead' });
    expect(dead.items).toMatchObject([{ id: sent[0]!.deliveryId, lastError: 'hook answered 500', attempts: 1 }]);
    await refused(analyst.call.alerts.deliveries.retry({ deliveryId: sent[0]!.deliveryId }), 'FORBIDDEN');
    expect(await owner.call.alerts.deliveries.retry({ deliveryId: sent[0]!.deliveryId })).toEqual({
      status: 'pending',
      queued: true,
    });
    expect(queued.at(-1)).toEqual({ org: owner.org, id: sent[0]!.deliveryId, round: 1 });
    await refused(owner.call.alerts.deliveries.retry({ deliveryId: sent[0]!.deliveryId }), 'CONFLICT');
    const actions = (await deps.store.listAudit(owner.org)).map((e) => e.action);
    expect(actions.filter((a) => a === 'alert_channel.test')).toHaveLength(3);
    expect(actions.filter((a) => a === 'alert_delivery.retry')).toHaveLength(1);
  });

  it('maps a tenant to a PSA company the PSA knows; an unknown company is refused in words and saves nothing', async () => {
    const halo = await startHaloPsaSimulator({
      clientId: 'halo-client',
      clientSecret: 'halo-secret',
      tenant: 'northwind',
      companies: [{ id: 19, name: 'Contoso Ltd', identifier: 'Contoso' }],
    });
    try {
      const deps: ApiDeps = testDeps(t().store, { egress: egressPolicy(new URL(halo.origin).host) });
      const owner = await signedIn(deps, { email: `psa${++n}@p.example` });
      const analyst = await signedIn(deps, { email: `psa-analyst${n}@p.example`, role: 'analyst', org: owner.org });
      const tenant = await owner.call.tenant.create({ name: 'Contoso', kind: 'customer' });
      const psa = await owner.call.alerts.channels.create({
        kind: 'halopsa',
        name: 'Halo',
        config: {
          authServer: `${halo.origin}/auth`,
          resourceServer: halo.origin,
          tenant: 'northwind',
          clientId: 'halo-client',
        },
        secret: { clientSecret: 'halo-secret' },
      });
      const why = await refused(owner.call.alerts.psa.map({ channelId: psa.id, tenantId: tenant.id, company: '404' }));
      expect(why).toContain('halopsa has no company "404"');
      expect(await owner.call.alerts.psa.companies({ channelId: psa.id })).toEqual([]);
      await refused(
        analyst.call.alerts.psa.map({ channelId: psa.id, tenantId: tenant.id, company: '19' }),
        'FORBIDDEN',
      );

      const mapped = await owner.call.alerts.psa.map({ channelId: psa.id, tenantId: tenant.id, company: '19' });
      expect(mapped).toEqual({ tenantId: tenant.id, companyId: '19', companyName: 'Contoso Ltd' });
      // A later unknown company leaves the earlier mapping as it was.
      await refused(owner.call.alerts.psa.map({ channelId: psa.id, tenantId: tenant.id, company: '20' }));
      expect(await analyst.call.alerts.psa.companies({ channelId: psa.id })).toEqual([mapped]);
      const hook = await owner.call.alerts.channels.create({
        kind: 'webhook',
        name: 'hook',
        config: { url: `${halo.origin}/hook` },
        secret: { signingSecret: SIGNING },
      });
      expect(
        await refused(owner.call.alerts.psa.map({ channelId: hook.id, tenantId: tenant.id, company: '19' })),
      ).toContain('not a PSA');

      await owner.call.alerts.psa.unmap({ channelId: psa.id, tenantId: tenant.id });
      expect(await owner.call.alerts.psa.companies({ channelId: psa.id })).toEqual([]);
      const actions = (await deps.store.listAudit(owner.org)).map((e) => e.action);
      expect(actions.filter((a) => a.startsWith('alert_psa_company'))).toEqual([
        'alert_psa_company.map',
        'alert_psa_company.unmap',
      ]);
    } finally {
      await halo.close();
    }
  });
});
