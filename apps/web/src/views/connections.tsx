import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, num, Time } from '../ui.tsx';

const HEALTH_WORDS = { ok: 'Healthy', needs_attention: 'Needs attention', disabled: 'Disabled' } as const;
const RUN_WORDS = { succeeded: 'collected', partial: 'partly collected', failed: 'failed' } as const;

export function Connections({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.connections.list.queryOptions({ tenantId: tenantId as never }));
  return (
    <section aria-labelledby="connections-h">
      <h2 id="connections-h">Connections</h2>
      {list.isPending ? (
        <Loading what="connections" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty>
          <p>No connections yet: without one, every control stays unknown.</p>
        </Empty>
      ) : (
        <ul className="cards">
          {list.data.map((c) => (
            <li key={c.id} className="card">
              <h3>
                {c.name} <small className="muted">({c.kind})</small>
              </h3>
              <p>
                <span className={`health health-${c.status}`}>{HEALTH_WORDS[c.status]}</span>
                {c.statusReason && <> — {c.statusReason}</>}
              </p>
              <p>
                {c.last ? (
                  <>
                    Last {RUN_WORDS[c.last.status]} <Time iso={c.last.finishedAt} />: {num(c.last.facts)} facts,{' '}
                    {num(c.last.gaps)} gaps.
                  </>
                ) : (
                  'Never collected.'
                )}
              </p>
              {c.gaps.length > 0 && (
                <ul className="gaps">
                  {c.gaps.map((g) => (
                    <li key={g.code + (g.permission ?? '')}>
                      <strong>{g.message}</strong> {g.remedy}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
