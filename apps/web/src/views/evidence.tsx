import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { toCsv } from '../csv.ts';
import { Empty, ErrorState, Loading, Pager, Time, usePages } from '../ui.tsx';

export interface EvidenceRow {
  kind: 'failing' | 'excepted';
  connection: string;
  subject: string;
  name: string | null;
  detail: string;
  approver: string | null;
  expiresAt: string | null;
}
export interface EvidenceQuery {
  kind: 'failing' | 'excepted';
  sort: 'subject' | 'name' | 'detail';
  direction: 'asc' | 'desc';
  search?: string;
  cursor?: string;
}
type Page = { rows: EvidenceRow[]; nextCursor: string | null };

const CSV_HEAD = ['kind', 'connection', 'subject', 'name', 'detail', 'approver', 'expiresAt'] as const;

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** Failing and excepted subjects, paged, sorted and searched by the server; the shown page exports as CSV. */
export function EvidenceTable({
  controlId,
  queryOptions,
  title = 'Evidence',
  level = 2,
}: {
  controlId: string;
  title?: string;
  /** 3 where the table sits in a section of its own. */
  level?: 2 | 3;
  queryOptions: (q: EvidenceQuery) => Parameters<typeof useQuery<Page, Error, Page, readonly unknown[]>>[0];
}) {
  const [kind, setKind] = useState<EvidenceQuery['kind']>('failing');
  const [sort, setSort] = useState<EvidenceQuery['sort']>('subject');
  const [direction, setDirection] = useState<EvidenceQuery['direction']>('asc');
  const [search, setSearch] = useState('');
  const pages = usePages<string>();
  const cursor = pages.cursor;
  const page = useQuery(
    queryOptions({ kind, sort, direction, ...(search ? { search } : {}), ...(cursor ? { cursor } : {}) }),
  );
  const reset = pages.reset;
  const sortBy = (s: EvidenceQuery['sort']) => {
    if (s === sort) setDirection(direction === 'asc' ? 'desc' : 'asc');
    else {
      setSort(s);
      setDirection('asc');
    }
    reset();
  };
  const header = (s: EvidenceQuery['sort'], label: string) => (
    <th scope="col" aria-sort={sort === s ? (direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="link-button" onClick={() => sortBy(s)}>
        {label} {sort === s ? (direction === 'asc' ? '▲' : '▼') : ''}
      </button>
    </th>
  );
  return (
    <section aria-labelledby="evidence-h">
      {level === 2 ? <h2 id="evidence-h">{title}</h2> : <h3 id="evidence-h">{title}</h3>}
      <search>
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            Show{' '}
            <select
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as EvidenceQuery['kind']);
                reset();
              }}
            >
              <option value="failing">Failing subjects</option>
              <option value="excepted">Excepted subjects</option>
            </select>
          </label>
          <label>
            Search{' '}
            <input
              type="search"
              value={search}
              onChange={(e) => {
                setSearch(e.target.value);
                reset();
              }}
            />
          </label>
          <button
            type="button"
            disabled={!page.data?.rows.length}
            onClick={() => page.data && download(`${controlId}-${kind}.csv`, toCsv(CSV_HEAD, page.data.rows))}
          >
            Export this view as CSV
          </button>
        </form>
      </search>
      {page.isPending ? (
        <Loading what="evidence" />
      ) : page.isError ? (
        <ErrorState error={page.error} retry={() => page.refetch()} />
      ) : page.data.rows.length === 0 ? (
        <Empty>
          <p>{search ? 'No subject matches this search.' : `No ${kind} subjects for this control.`}</p>
        </Empty>
      ) : (
        <div className="scroll">
          <table>
            <thead>
              <tr>
                {header('subject', 'Subject')}
                {header('name', 'Name')}
                {header('detail', 'Reason')}
                <th scope="col">Connection</th>
                {kind === 'excepted' && <th scope="col">Approved by</th>}
                {kind === 'excepted' && <th scope="col">Expires</th>}
              </tr>
            </thead>
            <tbody>
              {page.data.rows.map((r) => (
                <tr key={`${r.connection}/${r.subject}`}>
                  <td>
                    <code>{r.subject}</code>
                  </td>
                  <td>{r.name ?? <span className="muted">—</span>}</td>
                  <td>{r.detail}</td>
                  <td>{r.connection}</td>
                  {kind === 'excepted' && <td>{r.approver}</td>}
                  {kind === 'excepted' && (
                    <td>
                      <Time iso={r.expiresAt} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Evidence pages" pages={pages} next={page.data?.nextCursor} words={['Previous page', 'Next page']} />
    </section>
  );
}
