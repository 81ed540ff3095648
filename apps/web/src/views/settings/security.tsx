import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../../ui.tsx';
import { FormError } from '../form.tsx';
import { AddPasskey } from '../passkeys.tsx';
import { MicrosoftSettings } from '../sso.tsx';
import type { Role } from './roles.ts';

/** The caller's passkeys, and (owners) whether owners and admins must sign in with one. */
export function SecuritySettings({ role, organizationId }: { role: Role; organizationId: string }) {
  return (
    <>
      <PasskeyList />
      <PasskeyPolicy role={role} />
      {role === 'owner' && <MicrosoftSettings organizationId={organizationId} />}
    </>
  );
}

function PasskeyList() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const list = useQuery(trpc.passkeys.list.queryOptions());
  const refresh = () => client.invalidateQueries({ queryKey: trpc.passkeys.list.queryKey() });
  const rename = useMutation(trpc.passkeys.rename.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.passkeys.revoke.mutationOptions({ onSuccess: () => client.invalidateQueries() }));
  const [editing, setEditing] = useState<string | null>(null);
  const submitRename = (id: string) => (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    rename.mutate(
      { id, name: String(new FormData(e.currentTarget).get('name') ?? '') },
      { onSuccess: () => setEditing(null) },
    );
  };
  return (
    <section aria-labelledby="passkeys-h">
      <h2 id="passkeys-h">Your passkeys</h2>
      <p className="muted">
        A passkey signs you in without a password, or stands in for the code after it; a phishing site cannot use it.
        Revoking one ends your other sessions.
      </p>
      {list.isPending ? (
        <Loading what="your passkeys" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty>
          <p>No passkey yet.</p>
        </Empty>
      ) : (
        <div className="scroll">
          <table aria-label="Passkeys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {editing === p.id ? (
                      <form onSubmit={submitRename(p.id)} className="inline-form">
                        <label htmlFor={`rename-${p.id}`} className="visually-hidden">
                          New name for {p.name}
                        </label>
                        <input id={`rename-${p.id}`} name="name" defaultValue={p.name} maxLength={100} required />
                        <button type="submit" disabled={rename.isPending}>
                          Save
                        </button>
                      </form>
                    ) : (
                      <>
                        {p.name} {p.synced && <span className="muted">(synced)</span>}
                      </>
                    )}
                  </th>
                  <td>
                    <Time iso={p.createdAt} />
                  </td>
                  <td>{p.lastUsedAt ? <Time iso={p.lastUsedAt} /> : <span className="muted">never</span>}</td>
                  <td>
                    <button type="button" onClick={() => setEditing(editing === p.id ? null : p.id)}>
                      Rename<span className="visually-hidden"> {p.name}</span>
                    </button>{' '}
                    <button type="button" onClick={() => revoke.mutate({ id: p.id })} disabled={revoke.isPending}>
                      Revoke<span className="visually-hidden"> {p.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FormError error={rename.error ?? revoke.error} />
      <AddPasskey onAdded={refresh} />
    </section>
  );
}

function PasskeyPolicy({ role }: { role: Role }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const policy = useQuery(trpc.passkeys.policy.queryOptions());
  const set = useMutation(
    trpc.passkeys.setPolicy.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.passkeys.policy.queryKey() }),
    }),
  );
  if (policy.isPending) return <Loading what="the passkey policy" />;
  if (policy.isError) return <ErrorState error={policy.error} retry={() => policy.refetch()} />;
  const required = policy.data.requiredForAdmins;
  return (
    <section aria-labelledby="policy-h">
      <h2 id="policy-h">Passkeys for owners and admins</h2>
      <p>
        {required
          ? 'Required: owners and admins sign in with a passkey; a code from an authenticator app alone is not enough.'
          : 'Not required: owners and admins may sign in with a code from an authenticator app.'}
      </p>
      {role === 'owner' ? (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={required}
            disabled={set.isPending}
            onChange={(e) => set.mutate({ requiredForAdmins: e.currentTarget.checked })}
          />{' '}
          Require passkeys for owners and admins
        </label>
      ) : (
        <p role="note">Only an owner can change this.</p>
      )}
      <FormError error={set.error} />
    </section>
  );
}
