import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { device } from '../device.ts';
import { Problems } from '../messages.tsx';
import { href, useFocusHeading } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, Pager, Time, usePages } from '../ui.tsx';
import { Confirmed } from './confirm.tsx';
import { CopyLink, Field } from './form.tsx';
import { TenantPage } from './tenant.tsx';

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
  const [logOf, setLogOf] = useState<{ id: string; label: string } | null>(null);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    create.mutate({
      tenantId: tid,
      label: String(data.get('label') ?? ''),
      expiresInDays: Number(data.get('days')),
      sections: data.getAll('sections').map(String) as Section[],
    });
  };
  const link = create.data ? `${location.origin}${href({ name: 'shared', token: create.data.token })}` : null;
  return (
    <TenantPage tenantId={tenantId} here="Shares">
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
        <Problems
          error={create.error}
          labels={{ label: 'Label', expiresInDays: 'Expires after (days)', sections: 'Visible sections' }}
        />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create link
        </button>
      </form>
      {link && (
        <div className="card" role="status">
          <p>
            <strong>Copy this link now:</strong> it is shown only once.
          </p>
          <CopyLink label="Share link" link={link} testId="share-link" />
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
                <td>{s.sections.map((id) => SECTIONS.find((x) => x.id === id)?.label ?? id).join(', ')}</td>
                <td>
                  <Time iso={s.expiresAt} />
                </td>
                <td>
                  <button
                    type="button"
                    aria-expanded={logOf?.id === s.id}
                    aria-controls="access-log"
                    onClick={() => setLogOf(logOf?.id === s.id ? null : { id: s.id, label: s.label })}
                  >
                    Access log<span className="visually-hidden"> of {s.label}</span>
                  </button>{' '}
                  {s.state === 'active' && (
                    <Confirmed
                      trigger="Revoke"
                      target={s.label}
                      question={
                        <>
                          Revoke the link for <strong>{s.label}</strong>? Anyone who opens it from now on is refused.
                        </>
                      }
                      confirm={`Revoke the link for ${s.label}`}
                      run={() => revoke.mutate({ tenantId: tid, shareId: s.id })}
                      pending={revoke.isPending}
                      error={revoke.error}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {logOf && <AccessLog key={logOf.id} tenantId={tenantId} shareId={logOf.id} label={logOf.label} />}
    </TenantPage>
  );
}

const ACCESS_PAGE = 50;

/** Every opening of a share link, newest first, a page at a time: when, from where, and what it read. */
function AccessLog({ tenantId, shareId, label }: { tenantId: string; shareId: string; label: string }) {
  const trpc = useTRPC();
  // The first page begins at the newest access.
  const pages = usePages<string>();
  const cursor = pages.cursor;
  const log = useQuery(
    trpc.shares.accesses.queryOptions({
      tenantId: tenantId as never,
      shareId: shareId as never,
      limit: ACCESS_PAGE,
      ...(cursor ? { cursor } : {}),
    }),
  );
  return (
    <section id="access-log" aria-labelledby="access-log-h">
      <h2 id="access-log-h">Access log: {label}</h2>
      {log.isPending ? (
        <Loading what="the access log" />
      ) : log.isError ? (
        <ErrorState error={log.error} retry={() => log.refetch()} />
      ) : log.data.accesses.length === 0 ? (
        <Empty>
          <p>Nobody has opened this link yet.</p>
        </Empty>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Address</th>
                <th scope="col">Browser</th>
                <th scope="col">Read</th>
              </tr>
            </thead>
            <tbody>
              {log.data.accesses.map((a, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: accesses have no id and may share a timestamp
                <tr key={`${a.at}-${i}`}>
                  <td>
                    <Time iso={a.at} />
                  </td>
                  <td>{a.address ?? <span className="muted">unknown</span>}</td>
                  <td>
                    <span title={a.userAgent ?? undefined}>{device(a.userAgent)}</span>
                  </td>
                  <td>{whatLabel(a.what)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {(pages.number > 1 || log.data.nextCursor !== null) && (
            <Pager
              label="Access log pages"
              pages={pages}
              next={log.data.nextCursor}
              words={['Newer accesses', 'Older accesses']}
            />
          )}
        </>
      )}
    </section>
  );
}

const WHAT: Record<string, string> = {
  page: 'the link opened',
  'shared.view': 'the dashboard',
  'shared.history': 'a control history',
  'shared.evidence': 'subject evidence',
  'shared.packs': 'the evidence packs',
  'shared.control': 'a control description',
  'shared.connections': 'the connections',
};
const DOWNLOAD = 'evidence_pack.download ';
const whatLabel = (what: string) =>
  WHAT[what] ?? (what.startsWith(DOWNLOAD) ? `download of ${what.slice(DOWNLOAD.length)}` : what);
