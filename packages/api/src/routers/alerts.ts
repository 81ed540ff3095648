import { router } from '../trpc.ts';
import { alertChannelsRouter } from './alerts-channels.ts';
import { alertDeliveriesRouter } from './alerts-deliveries.ts';
import { alertRulesRouter } from './alerts-rules.ts';

/** Alert channels, rules and mutes, test sends and the delivery log. Changes need the admin role. */
export const alertsRouter = router({
  channels: alertChannelsRouter,
  rules: alertRulesRouter,
  deliveries: alertDeliveriesRouter,
});
