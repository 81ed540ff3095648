import type { EgressPolicy } from '@evident/connector-kit';
import type { ChannelSecret } from '../channel-settings.ts';
import { type AlertMessage, detailLine, headline, linkLabel } from '../message.ts';
import { type Channel, postJson } from './base.ts';

/** Slack's mrkdwn treats these three as markup; everything else is text. */
const mrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An incoming-webhook body in Block Kit: a section, a context line and a link button; `text` for notifications. */
export function slackBody(m: AlertMessage) {
  const title = headline(m);
  return {
    text: title,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${mrkdwn(title)}*\n${mrkdwn(m.reason)}` },
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: mrkdwn(`${m.organization.name} · ${detailLine(m)}`) }],
      },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: linkLabel(m) }, url: m.url, action_id: 'open' }],
      },
    ],
  };
}

/** Slack keeps no idempotency key: a send repeated after a crash between the post and the record shows twice. */
export function slackChannel(policy: EgressPolicy, secret: ChannelSecret<'slack'>): Channel {
  return {
    send: ({ message, signal }) => postJson(policy, secret.url, JSON.stringify(slackBody(message)), {}, signal),
  };
}
