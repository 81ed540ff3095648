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
