import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { device } from '../../device.ts';
import { useTRPC } from '../../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../../ui.tsx';
import { FormError } from '../form.tsx';

/** The caller's own sessions: where and when, and a way to end any of them. */
export function SessionsSettings() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const sessions = useQuery(trpc.organization.sessions.queryOptions({ everyone: false }));
  const revoke = useMutation(
    trpc.organization.revokeSession.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.organization.sessions.queryKey() }),
    }),
  );
  if (sessions.isPending) return <Loading what="your sessions" />;
  if (sessions.isError) return <ErrorState error={sessions.error} retry={() => sessions.refetch()} />;
  if (sessions.data.length === 0)
    return (
      <Empty>
        <p>No sessions.</p>
      </Empty>
    );
  return (
    <section aria-labelledby="sessions-h">
      <h2 id="sessions-h">Signed-in devices</h2>
      <p className="muted">End a session you do not recognise; changing your password ends them all.</p>
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last seen</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((s) => (
              <tr key={s.handle}>
                <th scope="row">
                  <span title={s.userAgent ?? undefined}>{device(s.userAgent)}</span>
                  {s.current && (
                    <>
                      {' '}
                      <span className="state-word state-active">this device</span>
                    </>
                  )}
                </th>
                <td>{s.address ?? <span className="muted">unknown</span>}</td>
                <td>
                  <Time iso={s.createdAt} />
                </td>
                <td>
                  <Time iso={s.lastSeenAt} />
                </td>
                <td>
                  <Time iso={s.expiresAt} />
                </td>
                <td>
                  {!s.current && (
                    <button
                      type="button"
                      onClick={() => revoke.mutate({ handle: s.handle })}
                      disabled={revoke.isPending}
                    >
                      End session<span className="visually-hidden"> on {device(s.userAgent)}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FormError error={revoke.error} />
    </section>
  );
}
