import type { EgressPolicy } from '@evident/connector-kit';
import type { ChannelSecret } from '../channel-settings.ts';
import { type AlertMessage, detailLine, headline, isControlMessage, linkLabel } from '../message.ts';
import { type Channel, postJson } from './base.ts';

/** A Teams Workflows webhook body: a message with one Adaptive Card 1.4 attachment. */
export function teamsBody(m: AlertMessage) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: headline(m), weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: m.reason, wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'Organization', value: m.organization.name },
                ...(m.tenant ? [{ title: 'Tenant', value: m.tenant.name }] : []),
                ...(isControlMessage(m)
                  ? [
                      { title: 'Verdict', value: `${m.from} → ${m.to}` },
                      { title: 'Evaluated', value: m.at },
                    ]
                  : [{ title: 'What', value: detailLine(m) }]),
              ],
            },
          ],
          actions: [{ type: 'Action.OpenUrl', title: linkLabel(m), url: m.url }],
        },
      },
    ],
  };
}

/** The flow answers 202; like Slack it keeps no idempotency key. */
export function teamsChannel(policy: EgressPolicy, secret: ChannelSecret<'teams'>): Channel {
  return {
    send: ({ message, signal }) => postJson(policy, secret.url, JSON.stringify(teamsBody(message)), {}, signal),
  };
}
