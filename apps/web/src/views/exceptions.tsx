import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useFocusHeading } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../ui.tsx';
import { Confirmed } from './confirm.tsx';
import { ExceptionRequests } from './exception-requests.tsx';
import { NewException } from './new-exception.tsx';
import { TenantPage } from './tenant.tsx';

export function ExceptionsView({ tenantId }: { tenantId: string }) {
  useFocusHeading(`exceptions-${tenantId}`);
  const trpc = useTRPC();
  const list = useQuery(trpc.exceptions.list.queryOptions({ tenantId: tenantId as never }));
  const client = useQueryClient();
  const revoke = useMutation(trpc.exceptions.expire.mutationOptions({ onSuccess: () => client.invalidateQueries() }));
  return (
    <TenantPage tenantId={tenantId} here="Exceptions">
      <h1 tabIndex={-1}>Exceptions</h1>
      <NewException tenantId={tenantId} />
      <ExceptionRequests tenantId={tenantId} />
      <h2>In force and lapsed</h2>
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
              <th scope="col">Asked by</th>
              <th scope="col">Approved by</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((e) => (
              <tr key={e.id}>
                <td>{e.controlId === '*' ? 'Every control' : e.controlId}</td>
                <td>{e.subject === '*' ? 'Every subject' : <code>{e.subject}</code>}</td>
                <td>{e.reason}</td>
                <td>{e.requestedBy ?? '—'}</td>
                <td>{e.approver}</td>
                <td>
                  {e.expired ? 'Lapsed ' : ''}
                  <Time iso={e.expiresAt} />
                </td>
                <td>
                  {!e.expired && (
                    <Confirmed
                      trigger="Revoke"
                      target={`the exception for ${describe(e)}`}
                      question={
                        <>
                          Revoke the exception for <strong>{describe(e)}</strong>? It ends now, and the next assessment
                          counts {e.subject === '*' ? 'every subject' : 'this subject'} again.
                        </>
                      }
                      confirm="Revoke the exception"
                      run={() => revoke.mutate({ tenantId: tenantId as never, exceptionId: e.id as never })}
                      pending={revoke.isPending}
                      error={revoke.error}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </TenantPage>
  );
}

const describe = (e: { controlId: string; subject: string }) =>
  `${e.controlId === '*' ? 'every control' : e.controlId}, ${e.subject === '*' ? 'every subject' : e.subject}`;
