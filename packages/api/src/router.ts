import { alertsRouter } from './routers/alerts.ts';
import { authRouter } from './routers/auth.ts';
import { connectionsRouter } from './routers/connections.ts';
import { controlsRouter } from './routers/controls.ts';
import { evidenceRouter } from './routers/evidence.ts';
import { exceptionsRouter } from './routers/exceptions.ts';
import { integrationsRouter } from './routers/integrations.ts';
import { organizationRouter } from './routers/organization.ts';
import { packsRouter } from './routers/packs.ts';
import { passkeysRouter } from './routers/passkeys.ts';
import { portfolioRouter } from './routers/portfolio.ts';
import { sharedRouter } from './routers/shared.ts';
import { sharesRouter } from './routers/shares.ts';
import { ssoRouter } from './routers/sso.ts';
import { tenantRouter } from './routers/tenant.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  auth: authRouter,
  passkeys: passkeysRouter,
  sso: ssoRouter,
  portfolio: portfolioRouter,
  tenant: tenantRouter,
  controls: controlsRouter,
  evidence: evidenceRouter,
  packs: packsRouter,
  connections: connectionsRouter,
  integrations: integrationsRouter,
  exceptions: exceptionsRouter,
  shares: sharesRouter,
  organization: organizationRouter,
  alerts: alertsRouter,
  shared: sharedRouter,
});

export type AppRouter = typeof appRouter;
