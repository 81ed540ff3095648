import { useQuery } from '@tanstack/react-query';
import { type CSSProperties, type KeyboardEvent, type MouseEvent, memo, useState } from 'react';
import { href, Link, navigate, parse, useFocusHeading } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import {
  Empty,
  ErrorState,
  Loading,
  num,
  pct,
  Sparkline,
  STATUS_WORDS,
  type Status,
  StatusBadge,
  Time,
} from '../ui.tsx';
import { NewTenant } from './new-tenant.tsx';

const STATUSES = Object.keys(STATUS_WORDS) as Status[];
const CONNECTORS = [
  { id: 'entra', name: 'Microsoft Entra ID' },
  { id: 'github', name: 'GitHub' },
  { id: 'gcp-logging', name: 'Google Cloud Logging' },
  { id: 'google-workspace', name: 'Google Workspace' },
  { id: 'aws', name: 'Amazon Web Services' },
] as const;
const SHORT: Record<Status, string> = { pass: 'P', partial: '½', fail: 'F', not_applicable: '–', unknown: '?' };

export function PortfolioView() {
  useFocusHeading('portfolio');
  const trpc = useTRPC();
  const [framework, setFramework] = useState('');
  const [status, setStatus] = useState('');
  const [connector, setConnector] = useState('');
  const frameworks = useQuery(trpc.portfolio.frameworks.queryOptions());
  const matrix = useMatrix(framework, status, connector);
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
          {!(framework || status || connector) && (
            <p>
              <Link to={{ name: 'settings', tab: 'integrations' }}>Connect your customers from a provider account</Link>
              : a Microsoft partner app, a GitHub App or a Google Cloud service account finds them all at once.
            </p>
          )}
        </Empty>
      ) : (
        <div className="scroll">
          <Heatmap data={matrix.data} />
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

function useMatrix(framework: string, status: string, connector: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.portfolio.matrix.queryOptions({
      ...(framework ? { framework: framework as never } : {}),
      ...(status ? { statuses: [status as Status] } : {}),
      ...(connector ? { connectorKind: connector as (typeof CONNECTORS)[number]['id'] } : {}),
    }),
  );
}

type Matrix = NonNullable<ReturnType<typeof useMatrix>['data']>;

/**
 * One plain link per cell and one delegated handler for the whole table: a thousand tenants are ~19,000 cells, so
 * each must cost one element and no component of its own. Cell links leave the tab order (arrow keys move between
 * them) so Tab goes from tenant to tenant rather than through every cell.
 */
const Heatmap = memo(function Heatmap({ data }: { data: Matrix }) {
  const { controls, days } = data;
  return (
    <table
      className="heatmap"
      style={{ '--controls': controls.length } as CSSProperties}
      onClick={follow}
      onKeyDown={move}
    >
      <caption className="muted">
        Tenants, worst first. Each cell is one control's latest verdict; arrow keys move between cells.
      </caption>
      <thead>
        <tr>
          <th scope="col">Tenant</th>
          <th scope="col">Score</th>
          <th scope="col">30 days</th>
          {controls.map((c) => (
            <th scope="col" key={c.id} title={c.title} className="vertical">
              <abbr title={c.title}>{c.id}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.tenants.map((t) => (
          <tr key={t.tenantId}>
            <th scope="row">
              <a href={href({ name: 'tenant', tenantId: t.tenantId })}>{t.name}</a>
              <br />
              <small className="muted">
                assessed <Time iso={t.assessedAt} />
              </small>
            </th>
            <td className="num">{t.score === null ? <span className="muted">none</span> : pct(t.score)}</td>
            <td>
              <Sparkline
                points={days.flatMap((day, i) => {
                  const score = t.trend[i];
                  return score === null || score === undefined ? [] : [{ day, score }];
                })}
                label={`${t.name} score`}
              />
            </td>
            {controls.map((c, i) => {
              const code = t.statuses[i];
              const status = code === undefined || code === '-' ? undefined : data.statusKey[Number(code)];
              if (!status) return <td key={c.id} className="cell cell-none" aria-label="not assessed" />;
              const words = `${STATUS_WORDS[status]}${coverage(t.numerators[i]!, t.denominators[i]!)}`;
              return (
                <td key={c.id} className={`cell cell-${status}`}>
                  <a
                    href={href({ name: 'control', tenantId: t.tenantId, controlId: c.id })}
                    tabIndex={-1}
                    aria-label={`${t.name}, ${c.id}: ${STATUS_WORDS[status]}`}
                    title={`${c.id} ${c.title}: ${words}`}
                  >
                    {SHORT[status]}
                  </a>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
});

const coverage = (numerator: number, denominator: number) =>
  denominator === 0 ? '' : ` (${num(numerator)} of ${num(denominator)})`;

function follow(e: MouseEvent<HTMLTableElement>) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element).closest('a');
  if (!a) return;
  e.preventDefault();
  navigate(parse(new URL(a.href).pathname));
}

const STEP: Record<string, [number, number]> = {
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
};

/** Arrow keys walk the grid of links: each row's tenant link, then its cells. */
function move(e: KeyboardEvent<HTMLTableElement>) {
  const step = STEP[e.key];
  const from = (e.target as Element).closest('a');
  const row = from?.closest('tr');
  if (!step || !from || !row) return;
  const links = (r: Element) => Array.from(r.querySelectorAll('a'));
  const col = Array.from(row.cells).indexOf(from.closest('td, th') as HTMLTableCellElement);
  const target =
    step[0] === 0
      ? links(row)[links(row).indexOf(from) + step[1]]
      : (step[0] < 0 ? row.previousElementSibling : row.nextElementSibling)
          ?.querySelectorAll('td, th')
          [col]?.querySelector('a');
  if (!target) return;
  e.preventDefault();
  target.focus();
}
