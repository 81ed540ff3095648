import { useQuery } from '@tanstack/react-query';
import { isNotFound } from '../messages.tsx';
import { Link, useFocusHeading } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Coverage, Empty, ErrorState, Loading, NotFound, num, StatusBadge, Time } from '../ui.tsx';
import { ControlDescription } from './control-description.tsx';
import { EvidenceTable } from './evidence.tsx';

export function ControlView({ tenantId, controlId }: { tenantId: string; controlId: string }) {
  useFocusHeading(`control-${tenantId}-${controlId}`);
  const trpc = useTRPC();
  const tid = tenantId as never;
  const tenant = useQuery(trpc.tenant.get.queryOptions({ tenantId: tid }));
  const results = useQuery(trpc.tenant.results.queryOptions({ tenantId: tid }));
  const history = useQuery(trpc.tenant.history.queryOptions({ tenantId: tid, controlId, limit: 30 }));
  const about = useQuery(trpc.controls.describe.queryOptions({ controlId }, { staleTime: Number.POSITIVE_INFINITY }));
  if (tenant.isError && isNotFound(tenant.error)) return <NotFound what="Tenant" />;
  if (about.isError && isNotFound(about.error, 'controlId'))
    return <NotFound what="Control">Evident has no control {controlId}: the address may be mistyped.</NotFound>;
  if (results.isPending || tenant.isPending || about.isPending) return <Loading what="the control" />;
  if (results.isError || tenant.isError)
    return (
      <section>
        <h1 tabIndex={-1}>Control not available</h1>
        <ErrorState error={results.error ?? tenant.error} />
        <Link to={{ name: 'portfolio' }}>Back to the portfolio</Link>
      </section>
    );
  const result = results.data.results.find((r) => r.controlId === controlId);
  const runId = results.data.runId;
  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={{ name: 'portfolio' }}>Portfolio</Link> ›{' '}
        <Link to={{ name: 'tenant', tenantId }}>{tenant.data.name}</Link> › {controlId}
      </nav>
      <h1 tabIndex={-1}>
        {controlId} {result?.title}
      </h1>
      {!result || !runId ? (
        <>
          <Empty>
            <p>This control has not been assessed for this tenant yet.</p>
          </Empty>
          <ControlDescription controlId={controlId} />
        </>
      ) : (
        <>
          <dl className="facts card">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={result.status} />
            </dd>
            <dt>Why</dt>
            <dd>{result.reason}</dd>
            <dt>Coverage</dt>
            <dd>
              <Coverage {...result.coverage} />
            </dd>
            <dt>Failing / excepted</dt>
            <dd>
              {num(result.failingCount)} / {num(result.exceptedCount)}
            </dd>
            <dt>Data as of</dt>
            <dd>
              <Time iso={result.factsAsOf} />
            </dd>
          </dl>
          <ControlDescription controlId={controlId} />
          <section aria-labelledby="history-h">
            <h2 id="history-h">History</h2>
            {history.isPending ? (
              <Loading what="history" />
            ) : history.isError ? (
              <ErrorState error={history.error} />
            ) : history.data.length === 0 ? (
              <Empty>
                <p>No history yet.</p>
              </Empty>
            ) : (
              <ol className="history">
                {history.data.map((h) => (
                  <li key={h.runId}>
                    <StatusBadge status={h.status} /> <Time iso={h.evaluatedAt} />
                  </li>
                ))}
              </ol>
            )}
          </section>
          <EvidenceTable
            controlId={controlId}
            queryOptions={(q) =>
              trpc.evidence.page.queryOptions({
                tenantId: tid,
                runId: runId as never,
                controlId,
                limit: 50,
                ...q,
              }) as never
            }
          />
        </>
      )}
    </section>
  );
}
