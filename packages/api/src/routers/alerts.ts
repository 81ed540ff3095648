import { router } from '../trpc.ts';
import { alertChannelsRouter } from './alerts-channels.ts';
import { alertDeliveriesRouter } from './alerts-deliveries.ts';
import { alertPsaRouter } from './alerts-psa.ts';
import { alertRulesRouter } from './alerts-rules.ts';

/** Alert channels, rules and mutes, PSA companies, test sends and the delivery log. Changes need the admin role. */
export const alertsRouter = router({
  channels: alertChannelsRouter,
  rules: alertRulesRouter,
  deliveries: alertDeliveriesRouter,
  psa: alertPsaRouter,
});
