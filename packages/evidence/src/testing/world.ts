import { startEvaluation } from '@evident/controls';
import type { ConnectionId, Fact, FactInput, OrganizationId, RunId, TenantId } from '@evident/core';
import { fact } from '@evident/core';
import { assessmentRun, type Store } from '@evident/db';
import { seed } from '@evident/db/testing';
import type { PackInput } from '../pack/input.ts';

const OBSERVED = '2026-11-30T23:00:00.000Z';

/** A person in an Entra tenant: every third has no MFA, every tenth is privileged. */
export function identityFact(connection: string, i: number): FactInput {
  const mfa = i % 3 !== 0;
  return {
    type: 'identity',
    connection,
    provider: 'entra',
    source: 'GET /users',
    observedAt: OBSERVED,
    subject: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `user${i}@contoso.example`,
    kind: i % 50 === 0 ? 'service' : 'human',
    enabled: true,
    privileged: i % 10 === 0,
    mfaRegistered: mfa,
    phishingResistantRegistered: 'unknown',
    mfaEnforced: mfa,
    enforcementSource: mfa ? 'policy' : 'none',
    enforcementReason: mfa ? 'enforced_policy' : 'not_registered',
    enforcementDetail: mfa ? 'Require MFA for all users, "CA001"' : undefined,
  };
}

export function logSourceFact(connection: string, category: 'admin_audit' | 'sign_in'): FactInput {
  return {
    type: 'logSource',
    connection,
    provider: 'entra',
    source: 'GET /auditLogs/directoryAudits',
    observedAt: OBSERVED,
    subject: `entra:${category}`,
    scope: 'contoso.example',
    category,
    important: true,
    enabled: true,
    nativeRetentionDays: 30,
    destinations: [
      { kind: 'log_analytics', name: 'law-contoso', boundary: 'separate', retentionDays: 365, locked: false },
    ],
  };
}

export function* tenantFacts(connection: string, identities: number): Generator<FactInput> {
  yield logSourceFact(connection, 'admin_audit');
  yield logSourceFact(connection, 'sign_in');
  for (let i = 0; i < identities; i++) yield identityFact(connection, i);
}

export interface PackWorld {
  org: OrganizationId;
  tenant: TenantId;
  connection: ConnectionId;
  run: RunId;
}

/** An organization whose tenant has one finished assessment of `identities` people, an exception and an audit event. */
export async function packWorld(
  store: Store,
  identities = 25,
  now = new Date('2026-12-01T00:00:00.000Z'),
): Promise<PackWorld> {
  const s = await seed(store);
  await store.writeCollection(s.org, s.run, s.connection, tenantFacts(s.connection, identities));
  const exception = {
    controlId: 'MFA-01',
    subject: 'user3@contoso.example',
    reason: 'break-glass account, hardware key in the safe',
    approver: 'ciso@contoso.example',
    expiresAt: '2099-01-01T00:00:00.000Z',
  };
  await store.createException(s.org, s.tenant, exception);
  const evaluation = startEvaluation({ now, exceptions: [exception] });
  for (const f of tenantFacts(s.connection, identities)) evaluation.add(fact.parse(f));
  await store.writeResults(s.org, s.run, evaluation.finish());
  await store.finishRun(s.org, s.run, { status: 'succeeded' });
  await store.appendAudit(s.org, { actor: 'usr_system', action: 'tenant.create', target: s.tenant });
  return s;
}

/** A pack's input without a database: one assessment of `identities` people, facts generated on demand. */
export function memoryPackInput(identities: number, now = new Date('2026-12-01T00:00:00.000Z')): PackInput {
  const connection = 'con_01m8t3g6y8ced297srcq4578ky';
  const evaluation = startEvaluation({ now });
  for (const f of tenantFacts(connection, Math.min(identities, 1000))) evaluation.add(fact.parse(f));
  const results = evaluation.finish();
  const totals = Object.fromEntries(
    results.map((r) => [r.controlId, { failing: r.failing.length, excepted: r.excepted.length }]),
  );
  const run = assessmentRun.parse({
    id: 'run_01m8t3g6y8ced297srcq4578ky',
    organizationId: 'org_01m8t3g6y8ced297srcq4578ky',
    tenantId: 'ten_01m8t3g6y8ced297srcq4578ky',
    trigger: 'schedule',
    status: 'succeeded',
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    error: null,
  });
  return {
    organization: { id: run.organizationId, name: 'Northwind MSP' },
    tenant: { id: run.tenantId, name: 'Contoso' },
    brand: { name: 'Northwind MSP' },
    period: { from: null, to: now.toISOString() },
    generatedAt: now.toISOString(),
    assessments: async () => [{ run, results, totals }],
    async *subjects(_runId, controlId, list) {
      yield* results.find((r) => r.controlId === controlId)?.[list] ?? [];
    },
    collections: [{ id: 'col_01m8t3g6y8ced297srcq4578ky', connectionId: connection, finishedAt: now.toISOString() }],
    async *facts() {
      for (const f of tenantFacts(connection, identities)) yield f as Fact;
    },
    exceptions: [],
    auditChain: { head: 'a'.repeat(64), events: 1, valid: true },
  };
}
