import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { navigate } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { FormError, NewPasswordField } from './form.tsx';

/** An invitee opens the single-use link, chooses a password, then enrols an authenticator like every staff user. */
export function AcceptInvitation({ token }: { token: string }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const accept = useMutation(
    trpc.auth.acceptInvitation.mutationOptions({
      onSuccess: async () => {
        navigate({ name: 'portfolio' }, true);
        await client.invalidateQueries();
      },
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    accept.mutate({ token, password: String(new FormData(e.currentTarget).get('password') ?? '') });
  };
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>Join your team on Evident</h1>
      <p>Choose a password; next you set up an authenticator app. The invitation works once.</p>
      <form onSubmit={submit} className="card">
        <NewPasswordField />
        <FormError error={accept.error} />
        <button type="submit" className="primary" disabled={accept.isPending}>
          {accept.isPending ? 'Joining…' : 'Accept invitation'}
        </button>
      </form>
    </section>
  );
}
