import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTRPC } from '../trpc.ts';
import { Field, FormError } from './form.tsx';

/** Everything cached belonged to the signed-out state: after any sign-in step, ask again. */
function useAfterSignIn() {
  const client = useQueryClient();
  return () => client.invalidateQueries();
}

type RequestOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];
type Assertion = Awaited<ReturnType<typeof startAuthentication>>;

/** One sign-in ceremony: the server's challenge, the browser's passkey prompt, the answer back; then ask again. */
function useSignInCeremony(
  begin: () => Promise<RequestOptions>,
  finish: (input: { response: Assertion }) => Promise<unknown>,
) {
  const done = useAfterSignIn();
  return useMutation({
    mutationFn: async () => {
      const optionsJSON = await begin();
      await finish({ response: await startAuthentication({ optionsJSON }) });
    },
    onSuccess: done,
  });
}

/** Passwordless: the browser offers the passkeys it holds for this site; one with user verification signs in. */
export function PasskeySignIn() {
  const trpc = useTRPC();
  const begin = useMutation(trpc.passkeys.beginPasswordless.mutationOptions());
  const finish = useMutation(trpc.passkeys.finishPasswordless.mutationOptions());
  const ceremony = useSignInCeremony(begin.mutateAsync, finish.mutateAsync);
  return (
    <div className="card">
      <button type="button" onClick={() => ceremony.mutate()} disabled={ceremony.isPending}>
        {ceremony.isPending ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
      </button>
      <FormError error={ceremony.error} />
    </div>
  );
}

/** After the password: one of the user's own passkeys as the second factor. */
export function PasskeySecondFactor({ only }: { only: boolean }) {
  const trpc = useTRPC();
  const begin = useMutation(trpc.passkeys.beginSecondFactor.mutationOptions());
  const finish = useMutation(trpc.passkeys.finishSecondFactor.mutationOptions());
  const ceremony = useSignInCeremony(begin.mutateAsync, finish.mutateAsync);
  return (
    <div className="card">
      {only && <p>Your organization requires a passkey for owners and admins.</p>}
      <button
        type="button"
        className={only ? 'primary' : undefined}
        onClick={() => ceremony.mutate()}
        disabled={ceremony.isPending}
      >
        {ceremony.isPending ? 'Waiting for your passkey…' : 'Use a passkey'}
      </button>
      <FormError error={ceremony.error} />
    </div>
  );
}

/** Adds a passkey under a name: in Settings, or as the last sign-in step when the organization requires one. */
export function AddPasskey({ onAdded }: { onAdded: () => void }) {
  const trpc = useTRPC();
  const begin = useMutation(trpc.passkeys.beginRegistration.mutationOptions());
  const finish = useMutation(trpc.passkeys.finishRegistration.mutationOptions());
  const ceremony = useMutation({
    mutationFn: async (name: string) => {
      const optionsJSON = await begin.mutateAsync();
      await finish.mutateAsync({ name, response: await startRegistration({ optionsJSON }) });
    },
    onSuccess: onAdded,
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    ceremony.mutate(String(new FormData(form).get('passkey-name') ?? ''), { onSuccess: () => form.reset() });
  };
  return (
    <form onSubmit={submit} className="card">
      <Field id="passkey-name" label="Name for the new passkey">
        <input id="passkey-name" name="passkey-name" maxLength={100} placeholder="Work laptop" required />
      </Field>
      <FormError error={ceremony.error} />
      <button type="submit" className="primary" disabled={ceremony.isPending}>
        {ceremony.isPending ? 'Waiting for your authenticator…' : 'Add a passkey'}
      </button>
    </form>
  );
}

/** The organization requires a passkey and this owner or admin has none: enrol one to finish signing in. */
export function PasskeyEnrolStep({ email }: { email: string }) {
  const done = useAfterSignIn();
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>Add a passkey</h1>
      <p>
        Signed in as <strong>{email}</strong>. Your organization requires owners and admins to sign in with a passkey,
        which a phishing site cannot use. Add one to finish signing in.
      </p>
      <AddPasskey onAdded={done} />
    </section>
  );
}
