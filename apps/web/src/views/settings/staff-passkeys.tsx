import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferInput } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { useTRPC } from '../../trpc.ts';
import { ErrorState, Loading } from '../../ui.tsx';
import { FormError } from '../form.tsx';

type UserId = inferInput<ReturnType<typeof useTRPC>['passkeys']['ofStaff']>['userId'];

/** A lost device: an owner or admin revokes every passkey of a colleague, after seeing which ones go. */
export function RevokeStaffPasskeys({ userId, email }: { userId: UserId; email: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Revoke passkeys<span className="visually-hidden"> of {email}</span>
      </button>
      {open && <Confirm userId={userId} email={email} close={() => setOpen(false)} />}
    </>
  );
}

function Confirm({ userId, email, close }: { userId: UserId; email: string; close: () => void }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const passkeys = useQuery(trpc.passkeys.ofStaff.queryOptions({ userId }));
  const revoke = useMutation(
    trpc.passkeys.revokeOfStaff.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.passkeys.ofStaff.queryKey({ userId }) }),
    }),
  );
  const closeButton = (
    <button type="button" className="link-button" onClick={close}>
      Close
    </button>
  );
  if (revoke.data)
    return (
      <p role="status">
        Revoked {revoke.data.revoked.join(', ')} of {email}; their sessions have ended. {closeButton}
      </p>
    );
  if (passkeys.isPending) return <Loading what={`the passkeys of ${email}`} />;
  if (passkeys.isError) return <ErrorState error={passkeys.error} retry={() => passkeys.refetch()} />;
  const names = passkeys.data.map((p) => p.name);
  if (names.length === 0)
    return (
      <p role="status">
        {email} has no passkey. {closeButton}
      </p>
    );
  const what = names.length === 1 ? 'passkey' : `${names.length} passkeys`;
  return (
    <div role="alertdialog" aria-labelledby={`revoke-${userId}`} className="card">
      <p id={`revoke-${userId}`}>
        Revoke the {what} of {email}: <strong>{names.join(', ')}</strong>? Every session of theirs ends; they sign in
        again with their password and authenticator code, and enrol a new passkey if your organization requires one.
      </p>
      <FormError error={revoke.error} />
      <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate({ userId })}>
        Revoke {what}
      </button>{' '}
      <button type="button" onClick={close}>
        Cancel
      </button>
    </div>
  );
}
