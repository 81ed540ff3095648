import type { EgressPolicy } from '@evident/connector-kit';
import { channelConfigs, channelSecrets } from '../channel-settings.ts';
import { type DigestMessage, digestSummary } from '../digest-message.ts';
import { DeliveryError, postJson } from './base.ts';
import { emailChannel } from './email.ts';
import { signBody } from './webhook.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function digestEmail(d: DigestMessage): { subject: string; text: string; html: string } {
  const { title, lines } = digestSummary(d);
  const rows = d.changes.map((c) => `${c.tenant.name}: ${c.control.id} ${c.from} → ${c.to} (${c.at}) ${c.url}`);
  const items = d.changes
    .map(
      (c) =>
        `<li>${esc(c.tenant.name)}: <a href="${esc(c.url)}">${esc(c.control.id)}</a> ${esc(c.from)} → ${esc(c.to)} (${esc(c.at)})</li>`,
    )
    .join('\n');
  return {
    subject: `[Evident] ${title}`,
    text: [title, '', ...lines, '', ...rows].join('\n'),
    html: `<!doctype html><html><body style="font-family:sans-serif"><h2>${esc(title)}</h2><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul><ul>${items}</ul></body></html>`,
  };
}

/** Sends a digest to a webhook, Slack, Teams or e-mail channel; a PSA channel takes no digest. */
export async function sendDigest(
  policy: EgressPolicy,
  settings: { kind: string; config: unknown; secret: unknown },
  digest: DigestMessage,
  signal?: AbortSignal,
): Promise<void> {
  const { title, lines } = digestSummary(digest);
  switch (settings.kind) {
    case 'webhook': {
      const config = channelConfigs.webhook.parse(settings.config);
      const secret = channelSecrets.webhook.parse(settings.secret);
      const body = JSON.stringify(digest);
      const headers = {
        'x-evident-signature': signBody(secret.signingSecret, body),
        'x-evident-timestamp': String(Math.floor(Date.now() / 1000)),
        'idempotency-key': digest.id,
      };
      await postJson(policy, config.url, body, headers, signal);
      return;
    }
    case 'slack': {
      const { url } = channelSecrets.slack.parse(settings.secret);
      const text = [`*${title}*`, ...lines.map((l) => `• ${l}`)]
        .join('\n')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;');
      await postJson(
        policy,
        url,
        JSON.stringify({
          text: title,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
        }),
        {},
        signal,
      );
      return;
    }
    case 'teams': {
      const { url } = channelSecrets.teams.parse(settings.secret);
      const card = {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [
          { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
          ...lines.map((l) => ({ type: 'TextBlock', text: `- ${l}`, wrap: true })),
        ],
      };
      const body = {
        type: 'message',
        attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
      };
      await postJson(policy, url, JSON.stringify(body), {}, signal);
      return;
    }
    case 'email': {
      const mail = emailChannel(
        policy,
        channelConfigs.email.parse(settings.config),
        channelSecrets.email.parse(settings.secret),
      );
      await mail.sendRendered(digestEmail(digest), digest.id);
      return;
    }
    default:
      throw new DeliveryError(`a ${settings.kind} channel takes no digest`, true);
  }
}
