import { githubConnector } from '@evident/connector-github';
import { egressPolicy } from '@evident/connector-kit';
import type { ControlResult } from '@evident/core';
import { describeBothDrivers } from '@evident/db/testing';
import { combinePresets, startSimulators } from '@evident/simulators';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { agent, signedIn, testDeps } from '../testing/index.ts';

const refused = async (call: Promise<unknown>, code: TRPCError['code']) => {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error instanceof TRPCError && error.code, String(error)).toBe(code);
};

const failing = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    connection: 'gh',
    subject: `user-${String(i).padStart(5, '0')}`,
    name: i % 2 ? `Odd ${i}` : `Even ${i}`,
    why: i % 3 ? 'no_mfa' : 'not_enforced',
  }));

const result = (controlId: string, status: ControlResult['status'], subjects = 0): ControlResult => ({
  controlId,
  status,
  coverage: { numerator: 0, denominator: subjects },
  reason: `${controlId} is ${status}`,
  failing: failing(subjects),
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: new Date().toISOString(),
});

let n = 0;
describeBothDrivers('procedures', (t) => {
  async function world() {
    const deps = testDeps(t().store, { connectors: { github: githubConnector } });
    const owner = await signedIn(deps, { email: `owner${++n}@p.example` });
    const worse = await owner.call.tenant.create({ name: 'Worse', kind: 'customer' });
    const better = await owner.call.tenant.create({ name: 'Better', kind: 'customer' });
    const { store } = deps;
    const runs = [];
    for (const [tenant, statuses] of [
      [worse.id, ['fail', 'fail', 'pass']],
      [better.id, ['pass', 'pass', 'partial']],
    ] as const) {
      const run = await store.createRun(owner.org, { tenantId: tenant, trigger: 'manual' });
      await store.writeResults(owner.org, run.id, [
        result('MFA-01', statuses[0], tenant === worse.id ? 250 : 0),
        result('MFA-02', statuses[1]),
        result('LOG-01', statuses[2]),
      ]);
      runs.push(run.id);
    }
    return { deps, owner, worse, better, run: runs[0]! };
  }

  it('portfolio: tenants × controls worst first, with scores, filters and trend', async () => {
    const { owner, worse, better } = await world();
    const m = await owner.call.portfolio.matrix({});
    expect(m.tenants.map((x) => x.tenantId)).toEqual([worse.id, better.id]);
    expect(m.tenants[0]).toMatchObject({ score: 33.3, worst: 'fail' });
    expect(m.tenants[1]).toMatchObject({ score: 83.3, worst: 'partial' });
    expect(m.tenants[0]!.trend).toHaveLength(m.days.length);
    expect(m.tenants[0]!.trend.filter((s) => s !== null)).toEqual([33.3]);
    const at = (id: string) => m.controls.findIndex((c) => c.id === id);
    const verdicts = (t: { statuses: string }) =>
      [...t.statuses].map((c) => (c === '-' ? null : m.statusKey[Number(c)]));
    for (const t of m.tenants) {
      for (const list of [t.statuses, t.numerators, t.denominators]) expect(list).toHaveLength(m.controls.length);
    }
    const [w] = m.tenants;
    expect([verdicts(w!)[at('MFA-01')], verdicts(w!)[at('MFA-02')], verdicts(w!)[at('LOG-01')]]).toEqual([
      'fail',
      'fail',
      'pass',
    ]);
    expect([w!.numerators[at('MFA-01')], w!.denominators[at('MFA-01')]]).toEqual([0, 250]);
    expect(verdicts(w!).filter((s) => s === null)).toHaveLength(m.controls.length - 3);
    expect(verdicts(m.tenants[1]!).filter((s) => s !== null)).toEqual(['pass', 'pass', 'partial']);
    expect((await owner.call.portfolio.matrix({ statuses: ['fail'] })).tenants.map((x) => x.name)).toEqual(['Worse']);
    expect((await owner.call.portfolio.matrix({ connectorKind: 'entra' })).tenants).toEqual([]);
    const scuba = await owner.call.portfolio.matrix({ framework: 'scuba-entra' });
    expect(scuba.controls.length).toBeLessThan(m.controls.length);
    expect(scuba.tenants[0]!.statuses).toHaveLength(scuba.controls.length);
  });

  it('portfolio: reused between requests, yet a new run, a rename or a deletion shows on the next one', async () => {
    const { owner, worse, better, deps } = await world();
    const first = await owner.call.portfolio.matrix({});
    expect(await owner.call.portfolio.matrix({})).toEqual(first);
    const run = await deps.store.createRun(owner.org, { tenantId: worse.id, trigger: 'manual' });
    await deps.store.writeResults(owner.org, run.id, [result('MFA-01', 'pass'), result('MFA-02', 'pass')]);
    expect((await owner.call.portfolio.matrix({})).tenants.find((x) => x.tenantId === worse.id)).toMatchObject({
      score: 100,
      worst: 'pass',
    });
    await owner.call.tenant.rename({ tenantId: better.id, name: 'Renamed' });
    expect((await owner.call.portfolio.matrix({})).tenants.map((x) => x.name)).toContain('Renamed');
    await owner.call.tenant.delete({ tenantId: better.id });
    expect((await owner.call.portfolio.matrix({})).tenants.map((x) => x.tenantId)).toEqual([worse.id]);
  });

  it('tenant: results with reasons and counts, history, drift, schedule, rename and soft delete', async () => {
    const { owner, worse, deps } = await world();
    const r = await owner.call.tenant.results({ tenantId: worse.id });
    expect(r.results.find((x) => x.controlId === 'MFA-01')).toMatchObject({ status: 'fail', failingCount: 250 });
    expect(await owner.call.tenant.history({ tenantId: worse.id, controlId: 'MFA-01' })).toHaveLength(1);
    const run2 = await deps.store.createRun(owner.org, {
      tenantId: worse.id,
      trigger: 'manual',
      startedAt: new Date(Date.now() + 1000),
    });
    await deps.store.writeResults(owner.org, run2.id, [
      result('MFA-01', 'pass'),
      result('MFA-02', 'fail'),
      result('LOG-01', 'fail'),
    ]);
    const drift = await owner.call.tenant.drift({ tenantId: worse.id });
    expect(drift.events.map((e) => `${e.controlId}:${e.from}->${e.to}`).sort()).toEqual([
      'LOG-01:pass->fail',
      'MFA-01:fail->pass',
    ]);
    expect(drift.failingSince.map((f) => f.controlId)).toEqual(['LOG-01']);
    await owner.call.tenant.setSchedule({ tenantId: worse.id, schedule: { cron: '0 6 * * *', tz: 'Europe/London' } });
    expect(await owner.call.tenant.schedule({ tenantId: worse.id })).toEqual({
      schedule: { cron: '0 6 * * *', tz: 'Europe/London' },
    });
    await refused(owner.call.tenant.setSchedule({ tenantId: worse.id, schedule: { everyMs: 5 } }), 'BAD_REQUEST');
    await refused(owner.call.tenant.assessNow({ tenantId: worse.id }), 'PRECONDITION_FAILED');
    expect((await owner.call.tenant.rename({ tenantId: worse.id, name: 'Renamed' })).name).toBe('Renamed');
    await owner.call.tenant.delete({ tenantId: worse.id });
    await refused(owner.call.tenant.get({ tenantId: worse.id }), 'NOT_FOUND');
    expect((await owner.call.tenant.list()).map((x) => x.name)).toEqual(['Better']);
  });

  it('evidence: keyset pages, sorted either way, searched on the server, cursors that cannot be forged', async () => {
    const { owner, worse, run } = await world();
    const base = { tenantId: worse.id, runId: run, controlId: 'MFA-01', limit: 100 };
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await owner.call.evidence.page({ ...base, cursor });
      seen.push(...page.rows.map((r) => r.subject));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(250);
    expect(seen).toEqual([...seen].sort());
    const desc = await owner.call.evidence.page({ ...base, sort: 'name', direction: 'desc', limit: 3 });
    expect(desc.rows.map((r) => r.name)).toEqual(['Odd 99', 'Odd 97', 'Odd 95']);
    const search = await owner.call.evidence.page({ ...base, search: 'ODD 12' });
    expect(search.rows.map((r) => r.subject)).toEqual([
      'user-00121',
      'user-00123',
      'user-00125',
      'user-00127',
      'user-00129',
    ]);
    await refused(owner.call.evidence.page({ ...base, cursor: 'not-a-cursor' }), 'BAD_REQUEST');
  });

  it('exceptions: asked for by one, approved by another admin, never by the requester; expired ones stay listed', async () => {
    const { owner, worse, deps } = await world();
    const admin = await signedIn(deps, { email: `admin${n}@p.example`, role: 'admin', org: owner.org });
    const analyst = await signedIn(deps, { email: `analyst${n}@p.example`, role: 'analyst', org: owner.org });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const { requestId } = await owner.call.exceptions.create({
      tenantId: worse.id,
      controlId: 'MFA-01',
      subject: 'user-00001',
      reason: 'break glass',
      expiresAt,
    });
    await refused(
      owner.call.exceptions.create({
        tenantId: worse.id,
        controlId: '*',
        subject: '*',
        reason: 'too late',
        expiresAt: '2000-01-01T00:00:00.000Z',
      }),
      'BAD_REQUEST',
    );
    expect(await owner.call.exceptions.list({ tenantId: worse.id })).toEqual([]);
    expect(await owner.call.exceptions.requests({ tenantId: worse.id })).toMatchObject([
      { id: requestId, decision: null, mine: true, requestedBy: `owner${n}@p.example` },
    ]);
    await refused(owner.call.exceptions.decide({ tenantId: worse.id, requestId, approve: true }), 'FORBIDDEN');
    await refused(analyst.call.exceptions.decide({ tenantId: worse.id, requestId, approve: true }), 'FORBIDDEN');
    expect(await owner.call.exceptions.list({ tenantId: worse.id })).toEqual([]);

    const { exceptionId } = await admin.call.exceptions.decide({ tenantId: worse.id, requestId, approve: true });
    const [e] = await owner.call.exceptions.list({ tenantId: worse.id });
    expect(e).toMatchObject({
      id: exceptionId,
      expired: false,
      approver: `admin${n}@p.example`,
      requestedBy: `owner${n}@p.example`,
    });
    await refused(admin.call.exceptions.decide({ tenantId: worse.id, requestId, approve: false }), 'CONFLICT');
    const actions = (await deps.store.listAudit(owner.org)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['exception.request', 'exception.approve']));

    await owner.call.exceptions.expire({ tenantId: worse.id, exceptionId: exceptionId! });
    expect((await owner.call.exceptions.list({ tenantId: worse.id }))[0]).toMatchObject({ expired: true });
  });

  it("controls: the catalog's requirement, rationale, remediation and framework mappings; unknown ids not found", async () => {
    const { owner } = await world();
    const mfa = await owner.call.controls.describe({ controlId: 'MFA-01' });
    expect(mfa.id).toBe('MFA-01');
    for (const text of [mfa.title, mfa.requirement, mfa.rationale, mfa.remediation])
      expect(text.length).toBeGreaterThan(10);
    expect(mfa.mappings).toContainEqual(
      expect.objectContaining({ framework: 'cis-v8', ref: '6.3', frameworkName: 'CIS Critical Security Controls' }),
    );
    await refused(owner.call.controls.describe({ controlId: 'NOPE-99' }), 'NOT_FOUND');
  });

  it('shares: a token shown once, sections enforced, every access logged and audited, revocation immediate', async () => {
    const { owner, worse, run, deps } = await world();
    const share = await owner.call.shares.create({
      tenantId: worse.id,
      label: 'auditor',
      sections: ['status'],
      expiresInDays: 7,
    });
    expect(share.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const customer = agent(deps, { shareToken: share.token });
    const view = await customer.call.shared.view();
    expect(view).toMatchObject({ tenant: { name: 'Worse' }, sections: ['status'] });
    expect(JSON.stringify(view)).not.toContain('user-000');
    await refused(customer.call.shared.evidence({ runId: run, controlId: 'MFA-01' }), 'FORBIDDEN');
    expect((await customer.call.shared.control({ controlId: 'MFA-01' })).requirement).toBe(
      (await owner.call.controls.describe({ controlId: 'MFA-01' })).requirement,
    );
    const accesses = await owner.call.shares.accesses({ tenantId: worse.id, shareId: share.id });
    expect(accesses.accesses.map((a) => a.what).sort()).toEqual(['shared.control', 'shared.evidence', 'shared.view']);
    expect(accesses.nextCursor).toBeNull();
    const newest = await owner.call.shares.accesses({ tenantId: worse.id, shareId: share.id, limit: 2 });
    const older = await owner.call.shares.accesses({
      tenantId: worse.id,
      shareId: share.id,
      limit: 2,
      cursor: newest.nextCursor!,
    });
    expect([...newest.accesses, ...older.accesses]).toEqual(accesses.accesses);
    expect(older.nextCursor).toBeNull();
    await refused(
      owner.call.shares.accesses({ tenantId: worse.id, shareId: share.id, cursor: '0; DROP TABLE x' }),
      'BAD_REQUEST',
    );
    expect(JSON.stringify(await owner.call.shares.list({ tenantId: worse.id }))).not.toContain(share.token);
    await owner.call.shares.revoke({ tenantId: worse.id, shareId: share.id });
    await refused(customer.call.shared.view(), 'UNAUTHORIZED');
    const actions = (await deps.store.listAudit(owner.org, { limit: 1000 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['share.create', 'share.access', 'share.revoke']));
  });

  it('organization: branding, staff, sessions, audit log paged and verified', async () => {
    const { owner } = await world();
    await owner.call.organization.setBranding({ displayName: 'Acme', logoUrl: null, accentColor: '#112233' });
    expect(await owner.call.organization.branding()).toEqual({
      displayName: 'Acme',
      logoUrl: null,
      accentColor: '#112233',
    });
    await refused(
      owner.call.organization.setBranding({ displayName: 'x', logoUrl: 'javascript:alert(1)', accentColor: '#112233' }),
      'BAD_REQUEST',
    );
    expect((await owner.call.organization.staff()).map((u) => u.role)).toEqual(['owner']);
    const sessions = await owner.call.organization.sessions({ everyone: true });
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const page = await owner.call.organization.audit({ limit: 2 });
    expect(page.events).toHaveLength(2);
    expect(page.nextAfterSeq).toBe(2);
    expect((await owner.call.organization.verifyAudit()).valid).toBe(true);
    const me = await owner.call.auth.me();
    await refused(owner.call.organization.setRole({ userId: me.user.id, role: 'viewer' }), 'CONFLICT');
  });

  it('connections: form schemas with descriptions; live check against the GitHub simulator; secrets write-only', async () => {
    const { owner, worse, deps } = await world();
    const kinds = await owner.call.connections.kinds();
    const github = kinds.providers.find((k) => k.kind === 'github')!;
    expect(JSON.stringify(github.configSchema)).toContain('The organization login');
    const sims = await startSimulators(combinePresets(['healthy']), { throttleScale: 0.01 });
    deps.egress = egressPolicy(sims.allowedEndpoints);
    try {
      const sim = sims.connections(sims.scenario.tenants[0]!.name).find((c) => c.kind === 'github')!;
      const check = await owner.call.connections.check({
        tenantId: worse.id,
        kind: 'github',
        config: sim.config,
        secret: sim.secret,
      });
      expect(check.items.length).toBeGreaterThan(0);
      await refused(
        owner.call.connections.create({
          tenantId: worse.id,
          kind: 'github',
          name: 'gh',
          config: { org: '' },
          secret: sim.secret,
        }),
        'BAD_REQUEST',
      );
      const { id } = await owner.call.connections.create({
        tenantId: worse.id,
        kind: 'github',
        name: 'gh',
        config: sim.config,
        secret: sim.secret,
      });
      const listed = await owner.call.connections.list({ tenantId: worse.id });
      expect(listed.map((c) => c.id)).toEqual([id]);
      expect(JSON.stringify(listed)).not.toContain(String((sim.secret as { token: string }).token));
      const again = await owner.call.connections.check({
        tenantId: worse.id,
        kind: 'github',
        config: sim.config,
        connectionId: id,
      });
      expect(again.ok).toBe(check.ok);
      await owner.call.connections.delete({ tenantId: worse.id, connectionId: id });
      expect((await owner.call.connections.list({ tenantId: worse.id }))[0]!.status).toBe('disabled');
    } finally {
      await sims.close();
    }
  });
});
