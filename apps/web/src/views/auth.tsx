import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Field, FormError, NewPasswordField } from './form.tsx';
import { PasskeySecondFactor, PasskeySignIn } from './passkeys.tsx';
import { MicrosoftSignIn } from './sso.tsx';

const value = (form: HTMLFormElement, name: string) => String(new FormData(form).get(name) ?? '');

function useAfterSignIn() {
  const client = useQueryClient();
  return () => client.invalidateQueries();
}

export function SignIn() {
  const trpc = useTRPC();
  const done = useAfterSignIn();
  const signIn = useMutation(trpc.auth.signIn.mutationOptions({ onSuccess: done }));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    signIn.mutate({ email: value(e.currentTarget, 'email'), password: value(e.currentTarget, 'password') });
  };
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>Sign in</h1>
      <form onSubmit={submit} className="card">
        <Field id="email" label="Email">
          <input id="email" name="email" type="email" autoComplete="username" required />
        </Field>
        <Field id="password" label="Password">
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        <FormError error={signIn.error} />
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <PasskeySignIn />
      <MicrosoftSignIn />
      <p>
        New to Evident? <Link to={{ name: 'signUp' }}>Create your organization</Link>
      </p>
    </section>
  );
}

export function SignUp() {
  const trpc = useTRPC();
  const done = useAfterSignIn();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions({ onSuccess: done }));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = e.currentTarget;
    signUp.mutate({
      organizationName: value(f, 'organization'),
      email: value(f, 'email'),
      password: value(f, 'password'),
    });
  };
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>Create your organization</h1>
      <p>You become its owner. Every staff account signs in with a password and an authenticator app.</p>
      <form onSubmit={submit} className="card">
        <Field id="organization" label="Organization name">
          <input id="organization" name="organization" autoComplete="organization" required />
        </Field>
        <Field id="email" label="Your email">
          <input id="email" name="email" type="email" autoComplete="username" required />
        </Field>
        <NewPasswordField />
        <FormError error={signUp.error} />
        <button type="submit" className="primary" disabled={signUp.isPending}>
          {signUp.isPending ? 'Creating…' : 'Create organization'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={{ name: 'signIn' }}>Sign in</Link>
      </p>
    </section>
  );
}

/** First sign-in: scan the QR code, confirm a code, keep the recovery codes. */
export function Enrol({ email }: { email: string }) {
  const trpc = useTRPC();
  const done = useAfterSignIn();
  const begin = useMutation(trpc.auth.beginEnrolment.mutationOptions());
  const confirm = useMutation(trpc.auth.confirmEnrolment.mutationOptions());
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    begin.mutate();
  }, [begin]);

  if (confirm.data) {
    return (
      <section className="narrow">
        <h1 tabIndex={-1}>Keep your recovery codes</h1>
        <p>
          Each code signs you in once if you lose your authenticator. Store them somewhere safe: they are not shown
          again.
        </p>
        <ol className="codes card" aria-label="Recovery codes">
          {confirm.data.recoveryCodes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <button type="button" className="primary" onClick={done}>
          I have saved them — continue
        </button>
      </section>
    );
  }
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    confirm.mutate({ code: value(e.currentTarget, 'code') });
  };
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>Set up your authenticator</h1>
      <p>
        Signed in as <strong>{email}</strong>. Evident needs a second factor for every staff account.
      </p>
      {begin.isPending && <p role="status">Preparing your code…</p>}
      <FormError error={begin.error} />
      {begin.data && (
        <div className="card enrol">
          <img
            className="qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(begin.data.qrSvg)}`}
            alt="QR code to scan with your authenticator app"
            width={200}
            height={200}
          />
          <p>
            Or enter this key by hand: <code data-testid="totp-secret">{begin.data.secret}</code>
          </p>
          <form onSubmit={submit}>
            <Field id="code" label="Six-digit code from the app">
              <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" required />
            </Field>
            <FormError error={confirm.error} />
            <button type="submit" className="primary" disabled={confirm.isPending}>
              Confirm
            </button>
          </form>
        </div>
      )}
    </section>
  );
}

export function SecondFactor({ email, passkeyOnly }: { email: string; passkeyOnly: boolean }) {
  const trpc = useTRPC();
  const done = useAfterSignIn();
  const verify = useMutation(trpc.auth.verify.mutationOptions({ onSuccess: done }));
  const [useRecovery, setUseRecovery] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = value(e.currentTarget, 'code');
    verify.mutate(useRecovery ? { recoveryCode: v } : { code: v });
  };
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>Second step</h1>
      <p>
        Signed in as <strong>{email}</strong>.
      </p>
      <PasskeySecondFactor only={passkeyOnly} />
      {!passkeyOnly && (
        <form onSubmit={submit} className="card" key={String(useRecovery)}>
          {useRecovery ? (
            <Field id="code" label="Recovery code">
              <input id="code" name="code" autoComplete="off" required />
            </Field>
          ) : (
            <Field id="code" label="Six-digit code from your authenticator">
              <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" required />
            </Field>
          )}
          <FormError error={verify.error} />
          <button type="submit" className="primary" disabled={verify.isPending}>
            Verify
          </button>
        </form>
      )}
      {!passkeyOnly && (
        <button type="button" className="link-button" onClick={() => setUseRecovery(!useRecovery)}>
          {useRecovery ? 'Use a code from the authenticator instead' : 'Use a recovery code instead'}
        </button>
      )}
    </section>
  );
}
