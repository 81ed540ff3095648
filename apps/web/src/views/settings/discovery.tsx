import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { num, Problems, plural } from '../../messages.tsx';
import { Link } from '../../router.tsx';
import { useTRPC, useTRPCClient } from '../../trpc.ts';
import { Loading } from '../../ui.tsx';
import { ACCOUNT_WORDS, type AccountKind } from './account-form.tsx';

interface Customer {
  externalId: string;
  name: string;
  domains: string[];
  reachable: { ok: true } | { ok: false; reason: string };
  warnings: string[];
  imported: boolean;
  match: { tenantId: string; tenantName: string; by: 'external_id' | 'domain' | 'name' } | null;
}

/** Per customer: whether it is imported, and into which tenant (`new` makes one named after the customer). */
type Choices = Record<string, { selected: boolean; into: string }>;

const BY_WORDS = { external_id: 'the same directory or organization', domain: 'domain', name: 'name' } as const;
const NEW = 'new';

const defaults = (customers: Customer[]): Choices =>
  Object.fromEntries(
    customers.map((c) => [c.externalId, { selected: c.reachable.ok && !c.imported, into: c.match?.tenantId ?? NEW }]),
  );

/**
 * What one account reaches now, matched to the organization's tenants, and the import of a selection with its
 * progress live. New, reachable customers are selected; running it again adds only what is new.
 */
export function Discovery({
  account,
  onClose,
}: {
  account: { id: string; kind: AccountKind; name: string };
  onClose(): void;
}) {
  const client = useTRPCClient();
  const heading = useRef<HTMLHeadingElement>(null);
  // A mutation on the server (it asks the provider each time), read here as a query: cached, refetched on demand.
  const found = useQuery({
    queryKey: ['integrations.discover', account.id],
    queryFn: () => client.integrations.discover.mutate({ accountId: account.id as never }),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const [importId, setImportId] = useState<string | null>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section aria-labelledby="discovery-h">
      <h2 id="discovery-h" tabIndex={-1} ref={heading}>
        Customers of {account.name}
      </h2>
      <div className="actions">
        <button type="button" onClick={() => found.refetch()} disabled={found.isFetching}>
          {found.isFetching ? 'Looking…' : 'Look again'}
        </button>
        <button type="button" className="link-button" onClick={onClose}>
          Close
        </button>
      </div>
      {found.isFetching && <Loading what={`the customers ${account.name} reaches`} />}
      {found.isError && !found.isFetching && (
        <div className="form-error" role="alert">
          <p>
            <strong>Could not list the customers of {account.name}.</strong>
          </p>
          <Problems error={found.error} />
          <p>
            Check the {ACCOUNT_WORDS[account.kind].what}’s settings, or replace its credential with{' '}
            <strong>Replace the credential</strong> above, then look again.
          </p>
        </div>
      )}
      {importId && (
        <ImportProgress
          key={importId}
          importId={importId}
          names={new Map(found.data?.map((c) => [c.externalId, c.name]))}
          onFinished={() => {
            if (!found.isFetching) found.refetch();
          }}
        />
      )}
      {found.data && !found.isFetching && (
        <CustomerTable
          key={found.dataUpdatedAt}
          account={account}
          customers={found.data}
          onStarted={(id) => setImportId(id)}
        />
      )}
    </section>
  );
}

function CustomerTable({
  account,
  customers,
  onStarted,
}: {
  account: { id: string; name: string };
  customers: Customer[];
  onStarted(id: string): void;
}) {
  const trpc = useTRPC();
  const [choices, setChoices] = useState<Choices>(() => defaults(customers));
  const start = useMutation(trpc.integrations.import.mutationOptions({ onSuccess: ({ id }) => onStarted(id) }));
  const reachable = customers.filter((c) => c.reachable.ok);
  const fresh = reachable.filter((c) => !c.imported);
  const imported = customers.filter((c) => c.imported);
  const selected = customers.filter((c) => choices[c.externalId]?.selected);
  const allReachable = reachable.length > 0 && reachable.every((c) => choices[c.externalId]?.selected);
  const reachableIds = new Set(reachable.map((c) => c.externalId));
  const set = (id: string, patch: Partial<Choices[string]>) => {
    start.reset();
    setChoices((all) => ({ ...all, [id]: { ...all[id]!, ...patch } }));
  };
  const selectAll = (on: boolean) => {
    start.reset();
    setChoices((all) =>
      Object.fromEntries(Object.entries(all).map(([id, c]) => [id, { ...c, selected: on && reachableIds.has(id) }])),
    );
  };
  if (customers.length === 0)
    return (
      <p role="status">
        {account.name} reaches no customer yet. Customers appear here once they grant it access (a GDAP relationship and
        admin consent, an App installation, or IAM access on a folder or project).
      </p>
    );
  return (
    <form
      aria-label={`Import customers of ${account.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate({
          accountId: account.id as never,
          selection: selected.map((c) => {
            const into = choices[c.externalId]?.into;
            return { externalId: c.externalId, ...(into && into !== NEW ? { tenantId: into as never } : {}) };
          }),
        });
      }}
    >
      <p role="status">
        Found {plural(customers.length, 'customer')}: {num(fresh.length)} new and reachable
        {customers.length - reachable.length > 0 && <>, {num(customers.length - reachable.length)} not reachable</>}
        {imported.length > 0 && <>, {num(imported.length)} already imported</>}.
        {fresh.length === 0 && reachable.length > 0 && (
          <>
            {' '}
            <strong>Nothing new to import:</strong> every reachable customer is already connected.
          </>
        )}
      </p>
      <label className="select-all">
        <input type="checkbox" checked={allReachable} onChange={(e) => selectAll(e.target.checked)} /> Select every
        reachable customer ({num(reachable.length)})
      </label>
      <ul className="customers" aria-label="Customers found">
        {customers.map((c) => (
          <CustomerRow
            key={c.externalId}
            customer={c}
            choice={choices[c.externalId]!}
            onChange={(patch) => set(c.externalId, patch)}
          />
        ))}
      </ul>
      <Problems error={start.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={selected.length === 0 || start.isPending}>
          {start.isPending ? 'Starting…' : `Import ${plural(selected.length, 'customer')}`}
        </button>
      </div>
    </form>
  );
}

function CustomerRow({
  customer: c,
  choice,
  onChange,
}: {
  customer: Customer;
  choice: { selected: boolean; into: string };
  onChange(patch: Partial<{ selected: boolean; into: string }>): void;
}) {
  const id = `customer-${c.externalId}`;
  return (
    <li className="customer">
      <div className="customer-head">
        <input
          id={id}
          type="checkbox"
          checked={choice.selected}
          disabled={!c.reachable.ok}
          aria-describedby={`${id}-state`}
          onChange={(e) => onChange({ selected: e.target.checked })}
        />{' '}
        <label htmlFor={id}>
          <strong>{c.name}</strong>
        </label>
        {c.domains.length > 0 && <span className="muted"> {c.domains.slice(0, 3).join(', ')}</span>}
      </div>
      <p id={`${id}-state`} className="customer-state">
        {c.reachable.ok ? (
          <span className="health health-ok">Consented and reachable</span>
        ) : (
          <>
            <span className="health health-needs_attention">Not reachable</span> — {c.reachable.reason}
          </>
        )}
        {c.imported && c.match && <> · Already imported into {c.match.tenantName}</>}
      </p>
      {c.warnings.length > 0 && (
        <ul className="customer-warnings" aria-label={`What to know about ${c.name}`}>
          {c.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {c.match && !c.imported && (
        <div className="field">
          <label htmlFor={`${id}-into`}>Import {c.name} into</label>
          <select id={`${id}-into`} value={choice.into} onChange={(e) => onChange({ into: e.target.value })}>
            <option value={c.match.tenantId}>
              {c.match.tenantName} (existing tenant, same {BY_WORDS[c.match.by]})
            </option>
            <option value={NEW}>A new tenant named {c.name}</option>
          </select>
        </div>
      )}
    </li>
  );
}

const STATUS_WORDS = {
  queued: 'Waiting to start',
  running: 'Importing',
  succeeded: 'Done',
  failed: 'Stopped',
} as const;

/** The import as the worker moves it, polled until it ends; its outcome in words. */
function ImportProgress({
  importId,
  names,
  onFinished,
}: {
  importId: string;
  names: Map<string, string>;
  onFinished(): void;
}) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const progress = useQuery(
    trpc.integrations.importProgress.queryOptions(
      { importId: importId as never },
      {
        refetchInterval: (q) =>
          q.state.data?.status === 'succeeded' || q.state.data?.status === 'failed' ? false : 1000,
      },
    ),
  );
  const finished = progress.data?.status === 'succeeded' || progress.data?.status === 'failed';
  const reported = useRef(false);
  useEffect(() => {
    if (!finished || reported.current) return;
    reported.current = true;
    void client.invalidateQueries({ queryKey: trpc.portfolio.pathKey() });
    onFinished();
  }, [finished, client, trpc, onFinished]);
  if (progress.isPending) return <Loading what="the import" />;
  if (progress.isError) return <Problems error={progress.error} />;
  const p = progress.data;
  const skipped = p.done - p.created - p.failures.length;
  return (
    <section aria-labelledby="import-h" className="card">
      <h3 id="import-h">Import</h3>
      <p>
        <label htmlFor="import-progress">
          {STATUS_WORDS[p.status]}: {num(p.done)} of {plural(p.total, 'customer')}
        </label>{' '}
        <progress id="import-progress" max={Math.max(1, p.total)} value={p.done} />
      </p>
      <div role="status" aria-live="polite">
        {p.status === 'succeeded' && p.created === 0 && p.failures.length === 0 ? (
          <p>
            <strong>Nothing added:</strong> all {plural(skipped, 'customer')} selected were already connected.
          </p>
        ) : (
          finished && (
            <p>
              <strong>
                {p.status === 'succeeded' ? 'Imported' : 'The import stopped'}: {plural(p.created, 'new tenant')}
              </strong>
              {skipped > 0 && <>, {num(skipped)} already connected (skipped)</>}
              {p.failures.length > 0 && <>, {num(p.failures.length)} not imported</>}.
              {p.created > 0 && <> Their first assessments start now, 20 a minute.</>}
            </p>
          )
        )}
        {p.error && <p className="form-error">{p.error}</p>}
      </div>
      {p.failures.length > 0 && (
        <ul aria-label="Customers not imported">
          {p.failures.map((f) => (
            <li key={f.externalId}>
              {names.get(f.externalId) ?? f.externalId}: {f.reason}
            </li>
          ))}
        </ul>
      )}
      {finished && p.created > 0 && (
        <p>
          <Link to={{ name: 'portfolio' }}>Open the portfolio</Link> to see them assessed.
        </p>
      )}
    </section>
  );
}
