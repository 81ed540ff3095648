import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferInput, inferOutput } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { useTRPC } from '../../trpc.ts';
import { Empty, ErrorState, Loading, Pager, Time, usePages } from '../../ui.tsx';
import { FormError } from '../form.tsx';

type Api = ReturnType<typeof useTRPC>;
type LogInput = inferInput<Api['alerts']['deliveries']['list']>;
type Delivery = inferOutput<Api['alerts']['deliveries']['list']>['items'][number];
type Cursor = NonNullable<LogInput['after']>;

const STATUS_WORDS = { pending: 'Pending', delivered: 'Delivered', dead: 'Dead letter' } as const;
const STATUS_CLASS = { pending: 'state-empty', delivered: 'state-active', dead: 'state-error' } as const;
const TRANSITION_WORDS: Record<string, string> = {
  pass_to_partial: 'now partially passes',
  pass_to_fail: 'now fails',
  pass_to_unknown: 'can no longer be proven',
  recovered_to_pass: 'passes again',
};
const NOTICE_WORDS: Record<string, string> = {
  'connection.attention': 'needs attention',
  'audit.chain_broken': 'no longer verifies',
  'export.failed': 'export failed',
  'exception.expiring': 'expires soon',
};

/** What the delivery told of, in words: a control's move, or a notice's subject and what happened to it. */
const what = (d: Delivery) =>
  d.subject
    ? `${d.subject.name} ${NOTICE_WORDS[d.type] ?? d.type}`
    : `${d.controlId ?? ''} ${d.transition ? (TRANSITION_WORDS[d.transition] ?? d.transition) : d.type}`;

/** The delivery log, newest first, 25 to a page: the organization's, or one tenant's; admins retry dead letters. */
export function DeliveryLog({ tenantId, canRetry }: { tenantId?: LogInput['tenantId']; canRetry: boolean }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const pages = usePages<Cursor>();
  const [status, setStatus] = useState<LogInput['status']>(undefined);
  const input: LogInput = {
    limit: 25,
    ...(tenantId ? { tenantId } : {}),
    ...(status ? { status } : {}),
    ...(pages.cursor ? { after: pages.cursor } : {}),
  };
  const log = useQuery({ ...trpc.alerts.deliveries.list.queryOptions(input), refetchInterval: 3_000 });
  const retry = useMutation(
    trpc.alerts.deliveries.retry.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.alerts.deliveries.list.queryKey() }),
    }),
  );
  return (
    <section aria-labelledby="alert-log-h">
      <h2 id="alert-log-h">{tenantId ? 'Alerts sent' : 'Delivery log'}</h2>
      {!tenantId && (
        <p>
          <label htmlFor="alert-log-status">Show </label>
          <select
            id="alert-log-status"
            value={status ?? ''}
            onChange={(e) => {
              setStatus(e.target.value === '' ? undefined : (e.target.value as Delivery['status']));
              pages.reset();
            }}
          >
            <option value="">every delivery</option>
            <option value="dead">dead letters only</option>
            <option value="pending">pending only</option>
            <option value="delivered">delivered only</option>
          </select>
        </p>
      )}
      <FormError error={retry.error} />
      {log.isPending ? (
        <Loading what="the delivery log" />
      ) : log.isError ? (
        <ErrorState error={log.error} retry={() => log.refetch()} />
      ) : log.data.items.length === 0 ? (
        <Empty>
          <p>No alert has been sent{tenantId ? ' for this tenant' : ''} yet.</p>
        </Empty>
      ) : (
        <>
          <div className="scroll">
            <table aria-label={tenantId ? 'Alerts sent' : 'Delivery log'}>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  {!tenantId && <th scope="col">Tenant</th>}
                  <th scope="col">Alert</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Status</th>
                  {canRetry && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {log.data.items.map((d) => (
                  <tr key={d.id} data-testid="alert-delivery">
                    <td>
                      <Time iso={d.createdAt} />
                    </td>
                    {!tenantId && <td>{d.tenant?.name ?? 'Organization'}</td>}
                    <td>
                      {d.test && <strong>Test: </strong>}
                      {what(d)}
                      <br />
                      <small className="muted">{d.reason}</small>
                    </td>
                    <td>
                      {d.channel.name} <span className="muted">({d.channel.kind})</span>
                    </td>
                    <td>
                      <span className={`state-word ${STATUS_CLASS[d.status]}`}>{STATUS_WORDS[d.status]}</span>
                      {d.status === 'delivered' && d.deliveredAt && (
                        <>
                          {' '}
                          <Time iso={d.deliveredAt} />
                        </>
                      )}
                      {d.attempts > 0 && <small className="muted"> after {d.attempts} attempt(s)</small>}
                      {d.lastError && d.status !== 'delivered' && (
                        <>
                          <br />
                          <small>{d.lastError}</small>
                        </>
                      )}
                    </td>
                    {canRetry && (
                      <td>
                        {d.status === 'dead' && (
                          <button
                            type="button"
                            disabled={retry.isPending}
                            onClick={() => retry.mutate({ deliveryId: d.id })}
                          >
                            Retry<span className="visually-hidden"> the delivery to {d.channel.name}</span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Delivery log pages" pages={pages} next={log.data.next} words={['Newer', 'Older']} />
        </>
      )}
    </section>
  );
}
