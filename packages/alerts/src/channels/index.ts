import type { EgressPolicy } from '@evident/connector-kit';
import { type ChannelKind, channelConfigs, channelSecrets } from '../channel-settings.ts';
import { psaChannel, psaClientFor } from '../psa/index.ts';
import type { Channel } from './base.ts';
import { emailChannel } from './email.ts';
import { slackChannel } from './slack.ts';
import { teamsChannel } from './teams.ts';
import { webhookChannel } from './webhook.ts';

export { type Channel, type Delivery, DeliveryError, type TicketReceipt } from './base.ts';
export { digestEmail, sendDigest } from './digest.ts';
export { emailBody } from './email.ts';
export { slackBody } from './slack.ts';
export { teamsBody } from './teams.ts';
export { signBody } from './webhook.ts';

/** The channel for stored settings, parsed again here: a row is trusted no more than a request. */
export function channelFor(
  policy: EgressPolicy,
  settings: { kind: ChannelKind; config: unknown; secret: unknown },
): Channel {
  switch (settings.kind) {
    case 'webhook':
      return webhookChannel(
        policy,
        channelConfigs.webhook.parse(settings.config),
        channelSecrets.webhook.parse(settings.secret),
      );
    case 'slack':
      return slackChannel(policy, channelSecrets.slack.parse(settings.secret));
    case 'teams':
      return teamsChannel(policy, channelSecrets.teams.parse(settings.secret));
    case 'email':
      return emailChannel(
        policy,
        channelConfigs.email.parse(settings.config),
        channelSecrets.email.parse(settings.secret),
      );
    case 'connectwise':
    case 'autotask':
    case 'halopsa': {
      const client = psaClientFor(policy, { ...settings, kind: settings.kind });
      return psaChannel(client, channelConfigs[settings.kind].parse(settings.config).closeOnRecovery);
    }
  }
}
