import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../ui.tsx';
import { FormError } from './form.tsx';

const what = (r: { controlId: string; subject: string }) =>
  `${r.controlId === '*' ? 'every control' : r.controlId}, ${r.subject === '*' ? 'every subject' : r.subject}`;

/** Exceptions asked for: an admin other than the requester approves (in force at once) or declines each. */
export function ExceptionRequests({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const requests = useQuery(trpc.exceptions.requests.queryOptions({ tenantId: tenantId as never }));
  const decide = useMutation(trpc.exceptions.decide.mutationOptions({ onSuccess: () => client.invalidateQueries() }));
  return (
    <section aria-labelledby="requests-h">
      <h2 id="requests-h">Requests</h2>
      {requests.isPending ? (
        <Loading what="requests" />
      ) : requests.isError ? (
        <ErrorState error={requests.error} retry={() => requests.refetch()} />
      ) : requests.data.length === 0 ? (
        <Empty>
          <p>No exception has been asked for.</p>
        </Empty>
      ) : (
        <div className="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Asked for</th>
                <th scope="col">Reason</th>
                <th scope="col">Until</th>
                <th scope="col">Asked by</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {requests.data.map((r) => (
                <tr key={r.id}>
                  <td>{what(r)}</td>
                  <td>{r.reason}</td>
                  <td>
                    <Time iso={r.expiresAt} />
                  </td>
                  <td>
                    {r.requestedBy} <Time iso={r.createdAt} />
                  </td>
                  <td>
                    {r.decision ? (
                      <>
                        {r.decision === 'approved' ? 'Approved' : 'Declined'} by {r.decidedBy}{' '}
                        <Time iso={r.decidedAt} />
                      </>
                    ) : r.mine ? (
                      'Awaiting a colleague'
                    ) : (
                      <>
                        <button
                          type="button"
                          disabled={decide.isPending}
                          onClick={() => decide.mutate({ tenantId: tenantId as never, requestId: r.id, approve: true })}
                        >
                          Approve<span className="visually-hidden"> the exception for {what(r)}</span>
                        </button>{' '}
                        <button
                          type="button"
                          disabled={decide.isPending}
                          onClick={() =>
                            decide.mutate({ tenantId: tenantId as never, requestId: r.id, approve: false })
                          }
                        >
                          Decline<span className="visually-hidden"> the exception for {what(r)}</span>
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FormError error={decide.error} />
      {decide.data && (
        <p role="status">
          {decide.data.exceptionId
            ? decide.data.reevaluated
              ? 'Approved: in force now; the controls are being evaluated again.'
              : 'Approved: in force from the next assessment.'
            : 'Declined.'}
        </p>
      )}
    </section>
  );
}
