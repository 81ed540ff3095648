import { useQuery } from '@tanstack/react-query';
import type { inferOutput } from '@trpc/tanstack-react-query';
import { useTRPC } from '../trpc.ts';
import { DeliveryLog } from './settings/alerts-log.tsx';
import { atLeast } from './settings/roles.ts';

type TenantId = inferOutput<ReturnType<typeof useTRPC>['tenant']['get']>['id'];

/** The alerts sent for one tenant, as the organization's delivery log shows them. */
export function TenantAlerts({ tenantId }: { tenantId: TenantId }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  return <DeliveryLog tenantId={tenantId} canRetry={me.data ? atLeast(me.data.user.role, 'admin') : false} />;
}
