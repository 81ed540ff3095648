import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { isNotFound, Problems, plural } from '../messages.tsx';
import { Link, useFocusHeading } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Coverage, Empty, ErrorState, Loading, NotFound, num, STATUS_WORDS, StatusBadge, Time } from '../ui.tsx';
import { AssessNow } from './assess.tsx';
import { Connections } from './connections.tsx';
import { TenantPacks } from './packs.tsx';
import { TenantAlerts } from './tenant-alerts.tsx';
import { TenantManage } from './tenant-manage.tsx';

const RANK = { fail: 0, unknown: 1, partial: 2, pass: 3, not_applicable: 4 } as const;
const worstFirst = (
  a: { status: keyof typeof RANK; controlId: string },
  b: { status: keyof typeof RANK; controlId: string },
) => RANK[a.status] - RANK[b.status] || a.controlId.localeCompare(b.controlId);

export function TenantView({ tenantId }: { tenantId: string }) {
  useFocusHeading(`tenant-${tenantId}`);
  const trpc = useTRPC();
  const tenant = useQuery(trpc.tenant.get.queryOptions({ tenantId: tenantId as never }));
  if (tenant.isPending) return <Loading what="the tenant" />;
  if (tenant.isError && isNotFound(tenant.error)) return <NotFound what="Tenant" />;
  if (tenant.isError)
    return (
      <section>
        <h1 tabIndex={-1}>Tenant not available</h1>
        <ErrorState error={tenant.error} />
        <Link to={{ name: 'portfolio' }}>Back to the portfolio</Link>
      </section>
    );
  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={{ name: 'portfolio' }}>Portfolio</Link> › {tenant.data.name}
      </nav>
      <div className="title-row">
        <h1 tabIndex={-1}>{tenant.data.name}</h1>
        <AssessNow tenantId={tenantId} />
      </div>
      {new URLSearchParams(location.search).get('consent') === 'granted' && (
        <ConsentGranted tenantId={tenantId} name={tenant.data.name} />
      )}
      <p className="tabs">
        <Link to={{ name: 'shares', tenantId }}>Shares</Link> ·{' '}
        <Link to={{ name: 'exceptions', tenantId }}>Exceptions</Link> ·{' '}
        <Link to={{ name: 'schedules', tenantId }}>Schedules</Link>
      </p>
      <TenantManage tenantId={tenantId} name={tenant.data.name} />
      <Results tenantId={tenantId} />
      <Drift tenantId={tenantId} />
      <Connections tenantId={tenantId} />
      <TenantPacks tenantId={tenantId} />
      <TenantAlerts tenantId={tenant.data.id} />
    </section>
  );
}

/** A page under a tenant: the breadcrumb names the tenant; an unknown tenant is one "not found" page. */
export function TenantPage({ tenantId, here, children }: { tenantId: string; here: string; children: ReactNode }) {
  const trpc = useTRPC();
  const tenant = useQuery(trpc.tenant.get.queryOptions({ tenantId: tenantId as never }));
  if (tenant.isError && isNotFound(tenant.error)) return <NotFound what="Tenant" />;
  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={{ name: 'portfolio' }}>Portfolio</Link> ›{' '}
        <Link to={{ name: 'tenant', tenantId }}>{tenant.data?.name ?? 'Tenant'}</Link> › {here}
      </nav>
      {children}
    </section>
  );
}

function Results({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const results = useQuery(trpc.tenant.results.queryOptions({ tenantId: tenantId as never }));
  return (
    <section aria-labelledby="controls-h">
      <h2 id="controls-h">Controls</h2>
      {results.isPending ? (
        <Loading what="controls" />
      ) : results.isError ? (
        <ErrorState error={results.error} retry={() => results.refetch()} />
      ) : results.data.results.length === 0 ? (
        <Empty>
          <p>
            <strong>Not assessed yet.</strong> Add a connection below, then choose Assess now.
          </p>
        </Empty>
      ) : (
        <div className="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Control</th>
                <th scope="col">Status</th>
                <th scope="col">Coverage</th>
                <th scope="col">Failing</th>
                <th scope="col">Reason</th>
                <th scope="col">Evaluated</th>
              </tr>
            </thead>
            <tbody>
              {[...results.data.results].sort(worstFirst).map((r) => (
                <tr key={r.controlId}>
                  <th scope="row">
                    <Link to={{ name: 'control', tenantId, controlId: r.controlId }}>
                      {r.controlId} {r.title}
                    </Link>
                  </th>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>
                    <Coverage {...r.coverage} />
                  </td>
                  <td className="num">{num(r.failingCount)}</td>
                  <td>{r.reason}</td>
                  <td>
                    <Time iso={r.evaluatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Drift({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const drift = useQuery(trpc.tenant.drift.queryOptions({ tenantId: tenantId as never, limit: 50 }));
  return (
    <section aria-labelledby="drift-h">
      <h2 id="drift-h">Drift</h2>
      {drift.isPending ? (
        <Loading what="drift" />
      ) : drift.isError ? (
        <ErrorState error={drift.error} retry={() => drift.refetch()} />
      ) : (
        <>
          {drift.data.failingSince.length > 0 && (
            <ul className="plain">
              {drift.data.failingSince.map((f) => (
                <li key={f.controlId}>
                  <strong>{f.controlId}</strong> failing since <Time iso={f.since} />
                </li>
              ))}
            </ul>
          )}
          {drift.data.events.length === 0 ? (
            <Empty>
              <p>No status changes yet.</p>
            </Empty>
          ) : (
            <ol className="timeline">
              {drift.data.events.map((e) => (
                <li key={`${e.runId}-${e.controlId}`}>
                  <Time iso={e.at} /> — <strong>{e.controlId}</strong> went from {STATUS_WORDS[e.from]} to{' '}
                  <StatusBadge status={e.to} />
                  {e.changes.length > 0 && (
                    <ul className="changes">
                      {e.changes.slice(0, 5).map((c) => (
                        <li key={`${c.at}-${c.action}-${c.target ?? ''}`}>
                          after {c.actor ?? 'someone the provider does not name'}: {c.action}
                          {c.target && <> on “{c.target}”</>} <Time iso={c.at} />
                        </li>
                      ))}
                      {e.changes.length > 5 && <li>and {plural(e.changes.length - 5, 'more change')}</li>}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}

/** After Microsoft's admin consent: the tenant exists under the directory's id until someone names the customer. */
function ConsentGranted({ tenantId, name }: { tenantId: string; name: string }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [value, setValue] = useState(name);
  const rename = useMutation(
    trpc.tenant.rename.mutationOptions({
      onSuccess: () =>
        client.invalidateQueries({ queryKey: trpc.tenant.get.queryKey({ tenantId: tenantId as never }) }),
    }),
  );
  return (
    <form
      className="card"
      aria-label="Admin consent granted"
      onSubmit={(e) => {
        e.preventDefault();
        rename.mutate({ tenantId: tenantId as never, name: value });
      }}
    >
      <p role="status">
        <strong>Admin consent granted.</strong> The customer’s connection is made from your provider account; choose{' '}
        <strong>Assess now</strong> for its first assessment.
      </p>
      <label htmlFor="consent-name">Customer’s name</label>{' '}
      <input id="consent-name" required maxLength={200} value={value} onChange={(e) => setValue(e.target.value)} />{' '}
      <button type="submit" disabled={rename.isPending}>
        {rename.isSuccess && value === name ? 'Named' : 'Save the name'}
      </button>
      <Problems error={rename.error} labels={{ name: 'The customer’s name' }} />
    </form>
  );
}
