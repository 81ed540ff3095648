import { idSchema } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { emailBody } from './channels/email.ts';
import { slackBody } from './channels/slack.ts';
import { teamsBody } from './channels/teams.ts';
import { noticeOf } from './events.ts';
import { buildMessage, headline } from './message.ts';
import { ticketText } from './psa/client.ts';
import { type AlertRule, routeEvents } from './rules.ts';

const tenantId = idSchema('ten').parse('ten_0000000000aaaaaaaaaaaaaaaa');
const at = '2026-12-01T10:00:00.000Z';
const rule = (over: Partial<AlertRule>): AlertRule => ({
  id: 'alr_1',
  tenantId: null,
  channelId: 'ach_a',
  enabled: true,
  eventTypes: [],
  controlIds: [],
  frameworks: [],
  digest: null,
  ...over,
});

const authFailed = noticeOf({
  type: 'connection.attention',
  tenantId,
  subject: { kind: 'connection', id: 'con_0000000000aaaaaaaaaaaaaaaa', name: 'Contoso Entra' },
  cause: 'auth_failed',
  controlId: null,
  runId: null,
  reason: 'Microsoft Graph refused the credentials (AADSTS7000215: invalid client secret).',
  expiresAt: null,
  at,
  occurrence: 'run_0000000001bbbbbbbbbbbbbbbb',
});
const chain = noticeOf({
  type: 'audit.chain_broken',
  tenantId: null,
  subject: { kind: 'audit_log', id: 'org_x', name: 'audit log' },
  cause: 'chain_broken',
  controlId: null,
  runId: null,
  reason: 'entry 12 does not follow entry 11',
  expiresAt: null,
  at,
  occurrence: '12',
});

describe('notices', () => {
  it('key one occurrence of one subject', () => {
    expect(authFailed.dedupeKey).toBe(
      'connection.attention:connection:con_0000000000aaaaaaaaaaaaaaaa:run_0000000001bbbbbbbbbbbbbbbb',
    );
  });

  it('route by event type, skip control filters, go at once past digests and never count as flapping', () => {
    const rules = [
      rule({ id: 'alr_1', channelId: 'ach_a', eventTypes: ['connection.attention'] }),
      rule({ id: 'alr_2', channelId: 'ach_b', eventTypes: ['control.regressed'] }),
      rule({ id: 'alr_3', channelId: 'ach_c', controlIds: ['MFA-01'] }),
      rule({ id: 'alr_4', channelId: 'ach_d', digest: { period: 'daily', at: '08:00', timeZone: 'UTC' } }),
    ];
    const r = routeEvents([authFailed, authFailed], tenantId, { rules, mutedUntil: null, lastAlerted: new Map() });
    expect(r.deliveries.map((d) => d.channelId)).toEqual(['ach_a', 'ach_d', 'ach_a', 'ach_d']);
    expect(r.digests).toEqual([]);
    expect(r.alerted).toEqual([]);
  });

  it("reach only the organization's default rules when they have no tenant", () => {
    const rules = [rule({ id: 'alr_1', channelId: 'ach_a' }), rule({ id: 'alr_2', channelId: 'ach_b', tenantId })];
    const r = routeEvents([chain], null, { rules, mutedUntil: null, lastAlerted: new Map() });
    expect(r.deliveries.map((d) => d.channelId)).toEqual(['ach_a']);
  });

  it('say what happened in words with a link in every channel', () => {
    const m = buildMessage(authFailed, {
      deliveryId: 'alo_1',
      organization: { id: 'org_1', name: 'Northwind MSP' },
      tenant: { id: tenantId, name: 'Contoso' },
      publicOrigin: 'https://evident.example.com',
    });
    expect(headline(m)).toBe('Contoso: connection Contoso Entra needs attention');
    expect(m.url).toBe(`https://evident.example.com/tenants/${tenantId}`);
    const rendered = [
      JSON.stringify(slackBody(m)),
      JSON.stringify(teamsBody(m)),
      emailBody(m).text,
      emailBody(m).html,
      ticketText(m, 'marker'),
    ];
    for (const body of rendered) {
      expect(body).toContain('needs attention');
      expect(body).toContain('refused the credentials');
      expect(body).toContain(m.url);
    }
    const audit = buildMessage(chain, {
      deliveryId: 'alo_2',
      organization: { id: 'org_1', name: 'Northwind MSP' },
      tenant: null,
      publicOrigin: 'https://evident.example.com',
    });
    expect(headline(audit)).toBe('Northwind MSP: the audit log chain is broken');
    expect(audit.url).toBe('https://evident.example.com/audit');
  });
});
