import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Problems } from '../../messages.tsx';
import { useTRPC } from '../../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../../ui.tsx';
import { ACCOUNT_WORDS, type AccountKind, NewAccountForm, RotateCredentialForm } from './account-form.tsx';
import { Discovery } from './discovery.tsx';
import { atLeast, type Role } from './roles.ts';

interface Account {
  id: string;
  kind: AccountKind;
  name: string;
  config: Record<string, unknown>;
  createdAt: string;
  rotatedAt: string | null;
}

/**
 * MSP-level provider accounts: one credential per provider that reaches many customers, their customers found and
 * imported as tenants in one page.
 */
export function IntegrationsSettings({ role }: { role: Role }) {
  const trpc = useTRPC();
  const accounts = useQuery(trpc.integrations.accounts.queryOptions(undefined, { enabled: atLeast(role, 'admin') }));
  const [adding, setAdding] = useState(false);
  // The account whose customers are shown; a new account opens on its own.
  const [open, setOpen] = useState<string | null>(null);
  if (!atLeast(role, 'admin'))
    return (
      <Empty>
        <p>Provider accounts are managed by admins and owners: they hold credentials that reach every customer.</p>
      </Empty>
    );
  if (accounts.isPending) return <Loading what="provider accounts" />;
  if (accounts.isError) return <ErrorState error={accounts.error} retry={() => accounts.refetch()} />;
  const list = accounts.data as Account[];
  const showForm = adding || list.length === 0;
  return (
    <>
      <section aria-labelledby="accounts-h">
        <h2 id="accounts-h">Provider accounts</h2>
        <p className="muted">
          One credential of yours per provider (a Microsoft multi-tenant app, a GitHub App, a Google Cloud service
          account) reaches many customers: Evident finds them and connects each as a tenant.
        </p>
        {showForm ? (
          <NewAccountForm
            onCreated={(id) => {
              setAdding(false);
              setOpen(id);
            }}
            {...(list.length > 0 ? { onCancel: () => setAdding(false) } : {})}
          />
        ) : (
          <button type="button" onClick={() => setAdding(true)}>
            Add a provider account
          </button>
        )}
        <ul className="cards" aria-label="Provider accounts">
          {list.map((a) => (
            <AccountCard key={a.id} account={a} open={open === a.id} onOpen={() => setOpen(a.id)} />
          ))}
        </ul>
      </section>
      {open && list.some((a) => a.id === open) && (
        <Discovery key={open} account={list.find((a) => a.id === open)!} onClose={() => setOpen(null)} />
      )}
    </>
  );
}

type Panel = 'rename' | 'rotate' | 'delete' | 'consent' | null;

function AccountCard({ account, open, onOpen }: { account: Account; open: boolean; onOpen(): void }) {
  const [panel, setPanel] = useState<Panel>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const toggle = (p: Panel) => {
    setNotice(null);
    setPanel(panel === p ? null : p);
  };
  const clientId = typeof account.config.clientId === 'string' ? account.config.clientId : null;
  const partner = typeof account.config.partnerTenantId === 'string' ? account.config.partnerTenantId : null;
  return (
    <li className="card">
      <h3>
        {account.name} <small className="muted">({ACCOUNT_WORDS[account.kind].what})</small>
      </h3>
      {clientId && (
        <p className="muted">
          Application (client) ID <code>{clientId}</code>
          {partner && (
            <>
              , partner tenant <code>{partner}</code>
            </>
          )}
        </p>
      )}
      <p className="muted">
        Added <Time iso={account.createdAt} />
        {account.rotatedAt && (
          <>
            ; credential replaced <Time iso={account.rotatedAt} />
          </>
        )}
        .
      </p>
      {notice && <p role="status">{notice}</p>}
      <div className="actions">
        <button type="button" className={open ? undefined : 'primary'} onClick={onOpen} aria-pressed={open}>
          Find customers<span className="visually-hidden"> of {account.name}</span>
        </button>
        {account.kind === 'entra' && (
          <button type="button" aria-expanded={panel === 'consent'} onClick={() => toggle('consent')}>
            Connect a Microsoft tenant
          </button>
        )}
        <button type="button" aria-expanded={panel === 'rename'} onClick={() => toggle('rename')}>
          Rename<span className="visually-hidden"> {account.name}</span>
        </button>
        <button type="button" aria-expanded={panel === 'rotate'} onClick={() => toggle('rotate')}>
          Replace the credential<span className="visually-hidden"> of {account.name}</span>
        </button>
        <button type="button" aria-expanded={panel === 'delete'} onClick={() => toggle('delete')}>
          Delete<span className="visually-hidden"> {account.name}</span>
        </button>
      </div>
      {panel === 'rename' && <Rename account={account} done={() => setPanel(null)} />}
      {panel === 'rotate' && (
        <RotateCredentialForm
          account={account}
          onDone={(rotated) => {
            setPanel(null);
            if (rotated)
              setNotice(
                `Credential replaced: every connection made from ${account.name} uses it from its next collection.`,
              );
          }}
        />
      )}
      {panel === 'delete' && <ConfirmDelete account={account} cancel={() => setPanel(null)} />}
      {panel === 'consent' && <StartConsent account={account} />}
    </li>
  );
}

function Rename({ account, done }: { account: Account; done(): void }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [name, setName] = useState(account.name);
  const rename = useMutation(
    trpc.integrations.renameAccount.mutationOptions({
      onSuccess: async () => {
        await client.invalidateQueries({ queryKey: trpc.integrations.accounts.queryKey() });
        done();
      },
    }),
  );
  const id = `rename-${account.id}`;
  return (
    <form
      className="inline"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        rename.mutate({ accountId: account.id as never, name });
      }}
    >
      <label htmlFor={id}>New name for {account.name}</label>{' '}
      <input id={id} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />{' '}
      <button type="submit" disabled={rename.isPending}>
        Save the name
      </button>
      <Problems error={rename.error} labels={{ name: 'The name' }} />
    </form>
  );
}

function ConfirmDelete({ account, cancel }: { account: Account; cancel(): void }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const remove = useMutation(
    trpc.integrations.deleteAccount.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.integrations.accounts.queryKey() }),
    }),
  );
  return (
    <fieldset className="card">
      <legend>Delete {account.name}?</legend>
      <p>
        Its stored credential is erased for good and it can no longer find or import customers. Tenants and connections
        made from it are not deleted, so Evident refuses while a connection still runs with this account: disable those
        first.
      </p>
      <Problems error={remove.error} />
      <div className="actions">
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate({ accountId: account.id as never })}
        >
          Delete {account.name} and its credential
        </button>
        <button type="button" className="link-button" onClick={cancel}>
          Keep it
        </button>
      </div>
    </fieldset>
  );
}

/** Sends this browser to Microsoft's admin consent; the customer's admin signs in there, and Microsoft returns here. */
function StartConsent({ account }: { account: Account }) {
  const trpc = useTRPC();
  const [directory, setDirectory] = useState('');
  const start = useMutation(
    trpc.integrations.startConsent.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }),
  );
  const id = `consent-${account.id}`;
  return (
    <form
      className="card"
      aria-label={`Connect a Microsoft tenant with ${account.name}`}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        start.mutate({ accountId: account.id as never, ...(directory.trim() ? { tenantId: directory.trim() } : {}) });
      }}
    >
      <p>
        The customer’s administrator signs in at Microsoft and grants {account.name} its read-only permissions. When
        they accept, Evident creates the customer’s tenant and connection; if they decline, nothing is created. The link
        works once, from this browser, for 15 minutes.
      </p>
      <div className="field">
        <label htmlFor={id}>Customer directory ID (optional)</label>
        <input
          id={id}
          value={directory}
          autoComplete="off"
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            setDirectory(e.target.value);
            start.reset();
          }}
        />
        <small id={`${id}-hint`} className="muted">
          The customer’s tenant id (a GUID). Leave empty to let the administrator’s sign-in choose.
        </small>
      </div>
      <Problems error={start.error} labels={{ tenantId: 'The customer directory ID' }} />
      <button type="submit" className="primary" disabled={start.isPending || start.isSuccess}>
        {start.isSuccess ? 'Opening Microsoft…' : 'Continue to Microsoft admin consent'}
      </button>
    </form>
  );
}
