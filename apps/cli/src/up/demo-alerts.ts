import { randomBytes } from 'node:crypto';
import type { OrganizationId } from '@evident/core';
import type { Store } from '@evident/db';
import { startSmtpSimulator, startWebhookCatcher } from '@evident/simulators/alerts';

const WEBHOOK = 'Demo webhook';
const EMAIL = 'Demo e-mail';
const PRINT_EVERY_MS = 1_000;

export interface DemoAlerts {
  /** host:port of the webhook catcher and the SMTP simulator, for EVIDENT_ALLOWED_ENDPOINTS. */
  allowedEndpoints: string;
  close(): Promise<void>;
}

/** The headline of a caught webhook body, or what arrived when it is not an alert. */
function describeHook(body: string): string {
  try {
    const m = JSON.parse(body) as { tenant?: { name?: string }; control?: { id?: string }; from?: string; to?: string };
    return `${m.tenant?.name}: ${m.control?.id} ${m.from} → ${m.to}`;
  } catch {
    return `${body.length} bytes that are not JSON`;
  }
}

/**
 * Starts a webhook catcher and an SMTP server on loopback, points the demo MSP's two alert channels (created once,
 * with an organization-wide rule each) at them, and prints a line for every alert they receive.
 */
export async function startDemoAlerts(
  store: Store,
  org: OrganizationId,
  say: (line: string) => void,
): Promise<DemoAlerts> {
  const catcher = await startWebhookCatcher();
  const smtp = await startSmtpSimulator();
  const settings = {
    [WEBHOOK]: {
      kind: 'webhook' as const,
      config: { url: `${catcher.origin}/evident` },
      secret: { signingSecret: randomBytes(24).toString('base64url') },
    },
    [EMAIL]: {
      kind: 'email' as const,
      config: {
        host: smtp.host,
        port: smtp.port,
        secure: false,
        from: 'evident@demo.example',
        to: ['soc@demo.example'],
      },
      secret: {},
    },
  };
  const existing = new Map((await store.listAlertChannels(org)).map((c) => [c.name, c.id]));
  const rules = await store.listAlertRules(org);
  for (const [name, s] of Object.entries(settings)) {
    let id = existing.get(name);
    if (id) await store.updateAlertChannel(org, id, { config: s.config, secret: s.secret });
    else id = (await store.createAlertChannel(org, { kind: s.kind, name, config: s.config, secret: s.secret })).id;
    if (!rules.some((r) => r.channelId === id && r.tenantId === null))
      await store.addAlertRule(org, { channelId: id, tenantId: null });
  }
  say(`alerts go to a webhook catcher at ${catcher.origin} and an SMTP server at ${smtp.host}:${smtp.port}`);

  let hooks = 0;
  let mails = 0;
  const timer = setInterval(() => {
    for (const r of catcher.requests.slice(hooks)) say(`alert delivered by webhook: ${describeHook(r.body)}`);
    for (const m of smtp.mails.slice(mails))
      say(`alert delivered by e-mail to ${m.envelope.to.join(', ')}: ${m.parsed.subject}`);
    hooks = catcher.requests.length;
    mails = smtp.mails.length;
  }, PRINT_EVERY_MS);
  timer.unref();
  return {
    allowedEndpoints: `${new URL(catcher.origin).host},${smtp.host}:${smtp.port}`,
    async close() {
      clearInterval(timer);
      await Promise.all([catcher.close(), smtp.close()]);
    },
  };
}
