import { fact, type LogSourceFact, type SettingFact } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { assemble, fallbackCover } from './facts.ts';
import { allServices, failure, snapshotOf } from './snapshot.fixture.ts';
import { readKey } from './snapshot.ts';

const ORG = 'organizations/42';
const PROD = 'projects/acme-prod';
const base = { connection: 'acme-gcp', observedAt: '2026-11-28T12:00:00.000Z' };

function estate() {
  return snapshotOf({
    [ORG]: { auditConfigs: [allServices(['user:break-glass@acme.example'])] },
    [PROD]: { parent: ORG, defaultRetentionDays: 60 },
  });
}

const logSource = (facts: ReturnType<typeof assemble>['facts'], scope: string, category: string) =>
  facts.find((f): f is LogSourceFact => f.type === 'logSource' && f.scope === scope && f.category === category);
const setting = (facts: ReturnType<typeof assemble>['facts'], scope: string) =>
  facts.find((f): f is SettingFact => f.type === 'setting' && f.scope === scope);

describe('assemble', () => {
  it('gives each configured resource three audit logs and its Data Access setting, all valid facts', () => {
    const { facts, covers } = assemble(estate(), [PROD, ORG], base);
    expect(facts).toHaveLength(8);
    for (const f of facts) expect(fact.parse(f)).toEqual(f);
    expect(covers.size).toBe(0);
    expect(logSource(facts, PROD, 'admin_audit')).toMatchObject({
      subject: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity',
      provider: 'gcp-logging',
      important: true,
      enabled: true,
      nativeRetentionDays: 400,
      locked: true,
      lastEventAt: 'unknown',
    });
    expect(logSource(facts, PROD, 'system_event')).toMatchObject({ important: false, enabled: true });
    expect(logSource(facts, PROD, 'admin_audit')?.source).toContain('ConfigServiceV2.ListSinks organizations/42');
  });

  it('takes Data Access as inherited from the organization, exemptions included', () => {
    const { facts } = assemble(estate(), [PROD], base);
    expect(logSource(facts, PROD, 'data_access')).toMatchObject({
      important: false,
      enabled: true,
      nativeRetentionDays: 60,
      locked: false,
      exemptions: ['user:break-glass@acme.example'],
    });
    expect(setting(facts, PROD)).toMatchObject({ subject: 'gcp.data_access_audit', value: 'all' });
    expect(logSource(facts, PROD, 'data_access')?.source).toContain('Organizations.GetIamPolicy organizations/42');
  });

  it('says unknown, with the gap’s cover, when a policy on the way up cannot be read', () => {
    const snapshot = snapshotOf({ [ORG]: {}, [PROD]: { parent: ORG } });
    snapshot.policies.set(ORG, failure(readKey.policy(ORG)));
    const { facts, covers } = assemble(snapshot, [PROD], base);
    expect(logSource(facts, PROD, 'data_access')?.enabled).toBe('unknown');
    expect(setting(facts, PROD)?.value).toBeNull();
    expect([...(covers.get(readKey.policy(ORG)) ?? [])].sort()).toEqual([
      'logSource.data_access',
      'setting.gcp.data_access_audit',
    ]);
    expect(logSource(facts, PROD, 'admin_audit')?.enabled).toBe(true);
  });

  it('still says all when what was read already enables everything', () => {
    const snapshot = estate();
    snapshot.policies.set(PROD, failure(readKey.policy(PROD)));
    const { facts, covers } = assemble(snapshot, [PROD], base);
    expect(setting(facts, PROD)?.value).toBe('all');
    expect(covers.has(readKey.policy(PROD))).toBe(true);
  });

  it('leaves out the audit logs of a resource whose own sinks cannot be read', () => {
    const snapshot = estate();
    snapshot.sinks.set(PROD, failure(readKey.sinks(PROD)));
    const { facts, covers } = assemble(snapshot, [PROD, ORG], base);
    expect(facts.filter((f) => f.type === 'logSource' && f.scope === PROD)).toEqual([]);
    expect(facts.filter((f) => f.type === 'logSource' && f.scope === ORG)).toHaveLength(3);
    expect(covers.get(readKey.sinks(PROD))).toEqual(new Set(['logSource']));
  });

  it('covers each category an ancestor’s unreadable sinks leave incomplete', () => {
    const snapshot = estate();
    snapshot.sinks.set(ORG, failure(readKey.sinks(ORG)));
    const { covers } = assemble(snapshot, [PROD], base);
    expect([...(covers.get(readKey.sinks(ORG)) ?? [])].sort()).toEqual([
      'logSource.admin_audit',
      'logSource.data_access',
      'logSource.system_event',
    ]);
  });
});

describe('fallbackCover', () => {
  it('names the evidence a read is for when no fact depended on it', () => {
    expect(fallbackCover(readKey.policy(ORG))).toEqual(['setting.gcp.data_access_audit']);
    expect(fallbackCover(readKey.buckets(ORG))).toEqual(['logSource.data_access']);
    expect(fallbackCover(readKey.sinks(ORG))).toEqual(['logSource']);
    expect(fallbackCover(readKey.foldersUnder(ORG))).toEqual(['logSource', 'setting.gcp.data_access_audit']);
  });
});
