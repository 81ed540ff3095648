import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { href } from '../../router.tsx';
import { useTRPC } from '../../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../../ui.tsx';
import { CopyLink, Field, FormError } from '../form.tsx';
import { grantable, type Role } from './roles.ts';

/** Invite with a role, the single-use link shown once; pending invitations listed and revocable. */
export function InvitationsPanel({ role }: { role: Role }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const invitations = useQuery(trpc.organization.invitations.queryOptions());
  const refresh = () => client.invalidateQueries({ queryKey: trpc.organization.invitations.queryKey() });
  const invite = useMutation(trpc.organization.invite.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.organization.revokeInvitation.mutationOptions({ onSuccess: refresh }));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    invite.mutate(
      { email: String(data.get('email') ?? ''), role: String(data.get('role')) as Role },
      { onSuccess: () => form.reset() },
    );
  };
  const link = invite.data ? `${location.origin}${href({ name: 'invitation', token: invite.data.token })}` : null;
  const pending = invitations.data?.filter((i) => i.state === 'pending') ?? [];
  return (
    <section aria-labelledby="invite-h">
      <form className="card" onSubmit={submit} aria-labelledby="invite-h">
        <h2 id="invite-h">Invite a colleague</h2>
        <Field id="invite-email" label="Email">
          <input id="invite-email" name="email" type="email" autoComplete="off" required />
        </Field>
        <Field id="invite-role" label="Role">
          <select id="invite-role" name="role" defaultValue="viewer">
            {grantable(role).map((r) => (
              <option key={r.role} value={r.role}>
                {r.label}
              </option>
            ))}
          </select>
        </Field>
        <FormError error={invite.error} />
        <button type="submit" className="primary" disabled={invite.isPending}>
          Create invitation
        </button>
      </form>
      {link && invite.data && (
        <div className="card" role="status">
          <p>
            <strong>Copy this link now:</strong> it is shown only once, works once and expires{' '}
            <Time iso={invite.data.expiresAt} />. Send it to the colleague; they choose a password and enrol an
            authenticator.
          </p>
          <CopyLink label="Invitation link" link={link} testId="invitation-link" />
        </div>
      )}
      <h2>Pending invitations</h2>
      {invitations.isPending ? (
        <Loading what="invitations" />
      ) : invitations.isError ? (
        <ErrorState error={invitations.error} retry={() => invitations.refetch()} />
      ) : pending.length === 0 ? (
        <Empty>
          <p>No pending invitations.</p>
        </Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {pending.map((i) => (
              <tr key={i.id}>
                <th scope="row">{i.email}</th>
                <td>{i.role}</td>
                <td>
                  <Time iso={i.expiresAt} />
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() => revoke.mutate({ id: i.id })}
                    disabled={revoke.isPending}
                    aria-label={`Revoke the invitation of ${i.email}`}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FormError error={revoke.error} />
    </section>
  );
}
