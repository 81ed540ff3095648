export {
  CHANNEL_KINDS,
  type ChannelConfig,
  type ChannelKind,
  type ChannelSecret,
  type ChannelSettings,
  channelConfigs,
  channelKind,
  channelSecrets,
  checkTarget,
  isPsaKind,
  PSA_KINDS,
  type PsaKind,
  parseChannelSettings,
} from './channel-settings.ts';
export { type DigestSchedule, digestDue, digestSchedule, WEEKDAYS } from './digest.ts';
export { buildDigest, type DigestMessage, digestMessage, digestSummary } from './digest-message.ts';
export {
  ALERT_EVENT_TYPES,
  type AlertEvent,
  type AlertEventType,
  alertEvent,
  alertEventType,
  dedupeKeyOf,
  deriveEvents,
  TRANSITIONS,
  type Transition,
  type VerdictChange,
} from './events.ts';
export {
  type AlertMessage,
  alertMessage,
  alertMessageJsonSchema,
  buildMessage,
  controlUrl,
  headline,
  type MessageContext,
} from './message.ts';
export {
  type AlertRule,
  type AlertRuleInput,
  alertRuleInput,
  FLAP_WINDOW_MS,
  type Routing,
  type RoutingState,
  routeEvents,
  ruleMatches,
  rulesFor,
} from './rules.ts';
