import { createHmac, timingSafeEqual } from 'node:crypto';
import { egressPolicy } from '@evident/connector-kit';
import { idSchema } from '@evident/core';
import {
  type SmtpSimulator,
  startSmtpSimulator,
  startWebhookCatcher,
  type WebhookCatcher,
} from '@evident/simulators/alerts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChannelSettings } from '../channel-settings.ts';
import { deriveEvents } from '../events.ts';
import { alertMessage, buildMessage } from '../message.ts';
import { channelFor, DeliveryError } from './index.ts';

const SIGNING = 'the-signing-secret-of-at-least-32-chars';
const tenantId = idSchema('ten').parse('ten_0000000000aaaaaaaaaaaaaaaa');
const [event] = deriveEvents({
  tenantId,
  runId: idSchema('run').parse('run_0000000001bbbbbbbbbbbbbbbb'),
  previousRunId: idSchema('run').parse('run_0000000000bbbbbbbbbbbbbbbb'),
  before: new Map([['MFA-01', 'pass']]),
  after: [
    {
      controlId: 'MFA-01',
      status: 'fail',
      reason: '2 of 40 admins <b>lack</b> MFA',
      evaluatedAt: '2026-12-01T10:00:00Z',
    },
  ],
});
const message = buildMessage(event!, {
  deliveryId: 'alo_0123456789abcdef0123456789abcdef',
  organization: { id: 'org_x', name: 'Northwind MSP' },
  tenant: { id: tenantId, name: 'Contoso' },
  publicOrigin: 'https://evident.example.com',
});

let catcher: WebhookCatcher;
let smtp: SmtpSimulator;
let allowed: ReturnType<typeof egressPolicy>;
beforeAll(async () => {
  catcher = await startWebhookCatcher();
  smtp = await startSmtpSimulator({ credentials: { user: 'alerts', pass: 'smtp-pass' } });
  allowed = egressPolicy(`${new URL(catcher.origin).host},127.0.0.1:${smtp.port}`);
});
afterAll(async () => {
  await catcher?.close();
  await smtp?.close();
});

const hex = (s: string) => Buffer.from(s, 'hex');

describe('alert channels', () => {
  it('builds the message with the control page of the web app and validates it', () => {
    expect(message.url).toBe(`https://evident.example.com/tenants/${tenantId}/controls/MFA-01`);
    expect(alertMessage.parse(message)).toEqual(message);
  });

  it('signs the webhook body with HMAC-SHA256 and sends the timestamp and idempotency key', async () => {
    const settings = parseChannelSettings(allowed, {
      kind: 'webhook',
      config: { url: `${catcher.origin}/hook` },
      secret: { signingSecret: SIGNING },
    });
    await channelFor(allowed, settings).send({ message, idempotencyKey: message.id });
    const [req] = await catcher.waitFor('/hook', 1);
    const expected = createHmac('sha256', SIGNING).update(req!.body).digest('hex');
    const got = String(req!.headers['x-evident-signature']);
    expect(got.startsWith('sha256=')).toBe(true);
    expect(timingSafeEqual(hex(got.slice(7)), hex(expected))).toBe(true);
    expect(req!.headers['idempotency-key']).toBe(message.id);
    expect(Math.abs(Number(req!.headers['x-evident-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(alertMessage.parse(JSON.parse(req!.body))).toEqual(message);
    expect(req!.body).not.toContain(SIGNING);
  });

  it('posts Block Kit to Slack and an Adaptive Card to Teams', async () => {
    for (const kind of ['slack', 'teams'] as const) {
      const settings = parseChannelSettings(allowed, {
        kind,
        config: {},
        secret: { url: `${catcher.origin}/${kind}/T000/secret-token` },
      });
      await channelFor(allowed, settings).send({ message, idempotencyKey: message.id });
    }
    const [slack] = await catcher.waitFor('/slack/T000/secret-token', 1);
    const s = JSON.parse(slack!.body);
    expect(s.text).toContain('Contoso: MFA-01');
    expect(s.blocks.map((b: { type: string }) => b.type)).toEqual(['section', 'context', 'actions']);
    expect(s.blocks[0].text.text).toContain('&lt;b&gt;lack&lt;/b&gt;');
    expect(s.blocks[2].elements[0].url).toBe(message.url);
    const [teams] = await catcher.waitFor('/teams/T000/secret-token', 1);
    const t = JSON.parse(teams!.body);
    expect(t.type).toBe('message');
    expect(t.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(t.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(t.attachments[0].content.actions[0]).toEqual({
      type: 'Action.OpenUrl',
      title: 'Open the control',
      url: message.url,
    });
    expect(slack!.body + teams!.body).not.toContain('secret-token');
  });

  it('mails HTML and text with the organization, the change and its link, under a stable Message-ID', async () => {
    const settings = parseChannelSettings(allowed, {
      kind: 'email',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        username: 'alerts',
        from: 'alerts@northwind.example',
        to: ['soc@contoso.example'],
      },
      secret: { password: 'smtp-pass' },
    });
    await channelFor(allowed, settings).send({ message, idempotencyKey: message.id });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.user).toBe('alerts');
    expect(mail!.envelope.to).toEqual(['soc@contoso.example']);
    expect(mail!.parsed.messageId).toBe(`<${message.id}@northwind.example>`);
    expect(mail!.parsed.subject).toContain('Contoso: MFA-01');
    expect(mail!.parsed.text).toContain('Northwind MSP');
    expect(mail!.parsed.text).toContain(message.url);
    expect(String(mail!.parsed.html)).toContain(`href="${message.url}"`);
    expect(String(mail!.parsed.html)).toContain('&lt;b&gt;lack&lt;/b&gt;');
    expect(mail!.raw).not.toContain('smtp-pass');
  });

  it('tells a retryable failure (500) from a permanent one (400)', async () => {
    catcher.answer('/down', 500);
    catcher.answer('/gone', 400);
    const send = (path: string) =>
      channelFor(allowed, {
        kind: 'webhook',
        config: { url: `${catcher.origin}${path}` },
        secret: { signingSecret: SIGNING },
      }).send({ message, idempotencyKey: message.id });
    await expect(send('/down')).rejects.toMatchObject({ permanent: false, message: expect.stringContaining('500') });
    await expect(send('/gone')).rejects.toMatchObject({ permanent: true });
    await expect(send('/down')).rejects.toBeInstanceOf(DeliveryError);
  });

  it('refuses channel addresses the egress policy keeps out, when saved and when sending', async () => {
    const none = egressPolicy(undefined);
    const hook = (url: string) => ({ kind: 'webhook' as const, config: { url }, secret: { signingSecret: SIGNING } });
    expect(() => parseChannelSettings(none, hook(`${catcher.origin}/hook`))).toThrow(/loopback/);
    expect(() => parseChannelSettings(none, hook('http://hooks.example.com/x'))).toThrow(/TLS/);
    expect(() => parseChannelSettings(none, hook('https://169.254.169.254/latest'))).toThrow(/link-local/);
    expect(() => parseChannelSettings(none, hook('https://10.0.0.8/x'))).toThrow(/private/);
    expect(() => parseChannelSettings(none, hook('https://hooks.example.com/x'))).not.toThrow();
    const before = catcher.requests.length;
    const sneaky = channelFor(none, hook(`${catcher.origin}/hook`));
    await expect(sneaky.send({ message, idempotencyKey: message.id })).rejects.toThrow(/egress policy refuses/);
    const mail = channelFor(none, {
      kind: 'email',
      config: { host: 'localhost', port: smtp.port, secure: false, from: 'a@x.example', to: ['b@x.example'] },
      secret: {},
    });
    await expect(mail.send({ message, idempotencyKey: message.id })).rejects.toThrow(/egress policy refuses/);
    expect(catcher.requests.length).toBe(before);
  });
});
