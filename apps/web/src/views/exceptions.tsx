import { useQuery } from '@tanstack/react-query';
import { useFocusHeading } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../ui.tsx';
import { NewException } from './new-exception.tsx';
import { TenantPage } from './tenant.tsx';

export function ExceptionsView({ tenantId }: { tenantId: string }) {
  useFocusHeading(`exceptions-${tenantId}`);
  const trpc = useTRPC();
  const list = useQuery(trpc.exceptions.list.queryOptions({ tenantId: tenantId as never }));
  return (
    <TenantPage tenantId={tenantId} here="Exceptions">
      <h1 tabIndex={-1}>Exceptions</h1>
      <NewException tenantId={tenantId} />
      {list.isPending ? (
        <Loading what="exceptions" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty>
          <p>No exceptions: every subject counts toward its control.</p>
        </Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Control</th>
              <th scope="col">Subject</th>
              <th scope="col">Reason</th>
              <th scope="col">Approved by</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((e) => (
              <tr key={e.id}>
                <td>{e.controlId === '*' ? 'Every control' : e.controlId}</td>
                <td>{e.subject === '*' ? 'Every subject' : <code>{e.subject}</code>}</td>
                <td>{e.reason}</td>
                <td>{e.approver}</td>
                <td>
                  {e.expired ? 'Lapsed ' : ''}
                  <Time iso={e.expiresAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </TenantPage>
  );
}
