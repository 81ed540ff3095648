import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../../ui.tsx';
import { Field, FormError } from '../form.tsx';
import { InvitationsPanel } from './invitations.tsx';
import { atLeast, grantable, type Role } from './roles.ts';
import { RevokeStaffPasskeys } from './staff-passkeys.tsx';

export function StaffSettings({ role, myId }: { role: Role; myId: string }) {
  if (!atLeast(role, 'admin'))
    return (
      <Empty>
        <p>
          Staff and invitations are managed by admins and owners. Ask one of them to invite a colleague or change a
          role.
        </p>
      </Empty>
    );
  return (
    <>
      <StaffTable role={role} myId={myId} />
      <InvitationsPanel role={role} />
    </>
  );
}

function StaffTable({ role, myId }: { role: Role; myId: string }) {
  const trpc = useTRPC();
  const staff = useQuery(trpc.organization.staff.queryOptions());
  const [resetting, setResetting] = useState<string | null>(null);
  return (
    <section aria-labelledby="staff-h">
      <h2 id="staff-h">Staff</h2>
      {staff.isPending ? (
        <Loading what="staff" />
      ) : staff.isError ? (
        <ErrorState error={staff.error} retry={() => staff.refetch()} />
      ) : (
        <div className="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Authenticator</th>
                <th scope="col">Joined</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {staff.data.map((u) => (
                <tr key={u.id}>
                  <th scope="row">
                    {u.email}
                    {u.id === myId && <span className="muted"> (you)</span>}
                    {u.disabled && (
                      <>
                        {' '}
                        <span className="state-word state-revoked">disabled</span>
                      </>
                    )}
                  </th>
                  <td>
                    <RoleEditor user={u} mine={role} self={u.id === myId} />
                  </td>
                  <td>{u.totpEnrolled ? 'Enrolled' : 'Not yet enrolled'}</td>
                  <td>
                    <Time iso={u.createdAt} />
                  </td>
                  <td>
                    {u.id !== myId && atLeast(role, u.role) && (
                      <button
                        type="button"
                        aria-expanded={resetting === u.id}
                        onClick={() => setResetting(resetting === u.id ? null : u.id)}
                      >
                        Reset password<span className="visually-hidden"> of {u.email}</span>
                      </button>
                    )}
                    {resetting === u.id && (
                      <ResetPassword userId={u.id} email={u.email} done={() => setResetting(null)} />
                    )}
                    {u.id !== myId && atLeast(role, u.role) && <RevokeStaffPasskeys userId={u.id} email={u.email} />}
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

function RoleEditor({
  user,
  mine,
  self,
}: {
  user: { id: string; email: string; role: Role };
  mine: Role;
  self: boolean;
}) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [role, setRole] = useState<Role>(user.role);
  const setUserRole = useMutation(
    trpc.organization.setRole.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.organization.staff.queryKey() }),
    }),
  );
  // An admin cannot touch an owner, and nobody demotes themselves from this table.
  if (self || (user.role === 'owner' && mine !== 'owner')) return <span className="role">{user.role}</span>;
  const id = `role-${user.id}`;
  return (
    <form
      className="inline"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        setUserRole.mutate({ userId: user.id as never, role });
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        Role of {user.email}
      </label>
      <select id={id} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
        {grantable(mine).map((r) => (
          <option key={r.role} value={r.role}>
            {r.role}
          </option>
        ))}
      </select>{' '}
      {role !== user.role && (
        <button type="submit" disabled={setUserRole.isPending}>
          Save role<span className="visually-hidden"> of {user.email}</span>
        </button>
      )}
      <FormError error={setUserRole.error} />
    </form>
  );
}

function ResetPassword({ userId, email, done }: { userId: string; email: string; done: () => void }) {
  const trpc = useTRPC();
  const reset = useMutation(trpc.organization.resetPassword.mutationOptions());
  const id = `new-password-${userId}`;
  if (reset.isSuccess)
    return (
      <p role="status">
        Password of {email} reset; their sessions have ended. Give them the new password by a separate channel.{' '}
        <button type="button" className="link-button" onClick={done}>
          Close
        </button>
      </p>
    );
  return (
    <form
      className="inline"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        reset.mutate({
          userId: userId as never,
          password: String(new FormData(e.currentTarget).get('password') ?? ''),
        });
      }}
    >
      <Field id={id} label={`New password for ${email}`} hint="At least 12 characters; all their sessions end.">
        <input
          id={id}
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={12}
          aria-describedby={`${id}-hint`}
          required
        />
      </Field>
      <FormError error={reset.error} />
      <button type="submit" disabled={reset.isPending}>
        Set password
      </button>
    </form>
  );
}
