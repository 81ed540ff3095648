import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useFocusHeading } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, pct, Sparkline, STATUS_WORDS, type Status, StatusBadge, Time } from '../ui.tsx';
import { NewTenant } from './new-tenant.tsx';

const STATUSES = Object.keys(STATUS_WORDS) as Status[];
const CONNECTORS = [
  { id: 'entra', name: 'Microsoft Entra ID' },
  { id: 'github', name: 'GitHub' },
  { id: 'gcp-logging', name: 'Google Cloud Logging' },
] as const;
const SHORT: Record<Status, string> = { pass: 'P', partial: '½', fail: 'F', not_applicable: '–', unknown: '?' };

export function PortfolioView() {
  useFocusHeading('portfolio');
  const trpc = useTRPC();
  const [framework, setFramework] = useState('');
  const [status, setStatus] = useState('');
  const [connector, setConnector] = useState('');
  const frameworks = useQuery(trpc.portfolio.frameworks.queryOptions());
  const matrix = useQuery(
    trpc.portfolio.matrix.queryOptions({
      ...(framework ? { framework: framework as never } : {}),
      ...(status ? { statuses: [status as Status] } : {}),
      ...(connector ? { connectorKind: connector as (typeof CONNECTORS)[number]['id'] } : {}),
    }),
  );
  return (
    <section>
      <h1 tabIndex={-1}>Portfolio</h1>
      <NewTenant />
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Framework{' '}
          <select value={framework} onChange={(e) => setFramework(e.target.value)}>
            <option value="">All frameworks</option>
            {frameworks.data?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_WORDS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Connector{' '}
          <select value={connector} onChange={(e) => setConnector(e.target.value)}>
            <option value="">Any connector</option>
            {CONNECTORS.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      {matrix.isPending ? (
        <Loading what="the portfolio" />
      ) : matrix.isError ? (
        <ErrorState error={matrix.error} retry={() => matrix.refetch()} />
      ) : matrix.data.tenants.length === 0 ? (
        <Empty>
          <p>
            <strong>No tenants to show.</strong>{' '}
            {framework || status || connector
              ? 'No tenant matches these filters.'
              : 'Add a tenant and a connection to see its controls here.'}
          </p>
        </Empty>
      ) : (
        <div className="scroll">
          <table className="heatmap">
            <caption className="muted">Tenants, worst first. Each cell is one control's latest verdict.</caption>
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Score</th>
                <th scope="col">30 days</th>
                {matrix.data.controls.map((c) => (
                  <th scope="col" key={c.id} title={c.title} className="vertical">
                    <abbr title={c.title}>{c.id}</abbr>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.data.tenants.map((t) => {
                const cells = new Map(t.cells.map((c) => [c.controlId, c]));
                return (
                  <tr key={t.tenantId}>
                    <th scope="row">
                      <Link to={{ name: 'tenant', tenantId: t.tenantId }}>{t.name}</Link>
                      <br />
                      <small className="muted">
                        assessed <Time iso={t.assessedAt} />
                      </small>
                    </th>
                    <td className="num">{t.score === null ? <span className="muted">none</span> : pct(t.score)}</td>
                    <td>
                      <Sparkline points={t.trend} label={`${t.name} score`} />
                    </td>
                    {matrix.data.controls.map((c) => {
                      const cell = cells.get(c.id);
                      if (!cell) return <td key={c.id} className="cell cell-none" aria-label="not assessed" />;
                      return (
                        <td key={c.id} className={`cell cell-${cell.status}`}>
                          <Link
                            to={{ name: 'control', tenantId: t.tenantId, controlId: c.id }}
                            aria-label={`${t.name}, ${c.id}: ${STATUS_WORDS[cell.status]}`}
                            title={`${c.id} ${c.title}: ${STATUS_WORDS[cell.status]}`}
                          >
                            {SHORT[cell.status]}
                          </Link>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="legend">
            {STATUSES.map((s) => (
              <span key={s}>
                <span className={`cell-key cell-${s}`}>{SHORT[s]}</span> <StatusBadge status={s} />
              </span>
            ))}
          </p>
        </div>
      )}
    </section>
  );
}
