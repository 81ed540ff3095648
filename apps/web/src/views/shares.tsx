import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { href, Link, useFocusHeading } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../ui.tsx';
import { Field, FormError } from './form.tsx';

const SECTIONS = [
  { id: 'status', label: 'Control status' },
  { id: 'history', label: 'History' },
  { id: 'evidence', label: 'Subject-level evidence' },
  { id: 'connections', label: 'Connections' },
  { id: 'evidence_packs', label: 'Evidence packs (download)' },
] as const;
type Section = (typeof SECTIONS)[number]['id'];

export function SharesView({ tenantId }: { tenantId: string }) {
  useFocusHeading(`shares-${tenantId}`);
  const trpc = useTRPC();
  const client = useQueryClient();
  const tid = tenantId as never;
  const list = useQuery(trpc.shares.list.queryOptions({ tenantId: tid }));
  const refresh = () => client.invalidateQueries({ queryKey: trpc.shares.list.queryKey() });
  const create = useMutation(trpc.shares.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.shares.revoke.mutationOptions({ onSuccess: refresh }));
  const [copied, setCopied] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setCopied(false);
    create.mutate({
      tenantId: tid,
      label: String(data.get('label') ?? ''),
      expiresInDays: Number(data.get('days')),
      sections: data.getAll('sections').map(String) as Section[],
    });
  };
  const link = create.data ? `${location.origin}${href({ name: 'shared', token: create.data.token })}` : null;
  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={{ name: 'portfolio' }}>Portfolio</Link> › <Link to={{ name: 'tenant', tenantId }}>Tenant</Link> ›
        Shares
      </nav>
      <h1 tabIndex={-1}>Shares</h1>
      <form className="card" onSubmit={submit} aria-labelledby="new-share-h">
        <h2 id="new-share-h">New share link</h2>
        <Field id="label" label="Label" hint="Who the link is for, e.g. the customer's IT lead.">
          <input id="label" name="label" required aria-describedby="label-hint" />
        </Field>
        <Field id="days" label="Expires after (days)">
          <input id="days" name="days" type="number" min={1} max={366} defaultValue={30} required />
        </Field>
        <fieldset>
          <legend>Visible sections</legend>
          {SECTIONS.map((s) => (
            <label key={s.id} className="check">
              <input type="checkbox" name="sections" value={s.id} defaultChecked={s.id === 'status'} /> {s.label}
            </label>
          ))}
        </fieldset>
        <FormError error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create link
        </button>
      </form>
      {link && (
        <div className="card" role="status">
          <p>
            <strong>Copy this link now:</strong> it is shown only once.
          </p>
          <p>
            <input aria-label="Share link" readOnly value={link} className="wide" data-testid="share-link" />{' '}
            <button
              type="button"
              onClick={() =>
                navigator.clipboard?.writeText(link).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? 'Copied' : 'Copy link'}
            </button>
          </p>
        </div>
      )}
      <h2>Links</h2>
      {list.isPending ? (
        <Loading what="shares" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty>
          <p>No share links yet.</p>
        </Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">State</th>
              <th scope="col">Sections</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.label}</th>
                <td>
                  <span className={`state-word state-${s.state}`}>{s.state}</span>
                </td>
                <td>{s.sections.join(', ')}</td>
                <td>
                  <Time iso={s.expiresAt} />
                </td>
                <td>
                  {s.state === 'active' && (
                    <button
                      type="button"
                      onClick={() => revoke.mutate({ tenantId: tid, shareId: s.id })}
                      aria-label={`Revoke ${s.label}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
