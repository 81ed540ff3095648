import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef } from 'react';
import { navigate } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { ErrorState, Loading } from '../ui.tsx';
import { Field, FormError } from './form.tsx';

/** The API's branded organization id, as `sso.start` takes it. */
type OrganizationId = `org_${string}` & { readonly __id: 'org' };

/**
 * The organization a sign-in link names (`/?org=org_…`): Sign in with Microsoft needs to know whose tenant. The
 * address is only shaped here; the server parses the id again and answers for that organization alone.
 */
function linkedOrganization(): OrganizationId | null {
  const org = new URLSearchParams(window.location.search).get('org');
  return org && /^org_[0-9a-z]{26}$/.test(org) ? (org as OrganizationId) : null;
}

export function MicrosoftSignIn() {
  const trpc = useTRPC();
  const start = useMutation(
    trpc.sso.start.mutationOptions({
      onSuccess: ({ url }) => {
        window.location.assign(url);
      },
    }),
  );
  const org = linkedOrganization();
  if (!org) return null;
  return (
    <div className="card">
      <button type="button" onClick={() => start.mutate({ organizationId: org })}>
        Sign in with Microsoft
      </button>
      <FormError error={start.error} />
    </div>
  );
}

/** Where Microsoft sends the browser back: the whole address goes to the server, once. */
export function MicrosoftCallback() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const finish = useMutation(
    trpc.sso.finish.mutationOptions({
      onSuccess: async () => {
        await client.invalidateQueries();
        navigate({ name: 'portfolio' }, true);
      },
    }),
  );
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    finish.mutate({ callbackUrl: window.location.href });
  }, [finish]);
  return (
    <section className="narrow">
      <h1 tabIndex={-1}>Signing in with Microsoft</h1>
      {finish.isError ? <FormError error={finish.error} /> : <p role="status">Checking Microsoft’s answer…</p>}
    </section>
  );
}

/** Owners: the MSP's own Entra tenant and app registration, and whether unknown e-mails join. */
export function MicrosoftSettings({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const settings = useQuery(trpc.sso.settings.queryOptions());
  const save = useMutation(
    trpc.sso.setSettings.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.sso.settings.queryKey() }),
    }),
  );
  if (settings.isPending) return <Loading what="the Microsoft sign-in settings" />;
  if (settings.isError) return <ErrorState error={settings.error} retry={() => settings.refetch()} />;
  const current = settings.data;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (name: string) => String(f.get(name) ?? '').trim();
    const role = text('jit');
    save.mutate({
      settings: {
        tenantId: text('tenant'),
        clientId: text('client'),
        ...(text('secret') ? { clientSecret: text('secret') } : {}),
        authority: text('authority') || null,
        jitRole: role === 'admin' || role === 'analyst' || role === 'viewer' ? role : null,
      },
    });
  };
  return (
    <section aria-labelledby="sso-h">
      <h2 id="sso-h">Sign in with Microsoft</h2>
      <p className="muted">
        Staff of your own Entra tenant sign in with their work account. Microsoft's MFA counts only when its ID token
        says so; otherwise Evident still asks for its own second factor.
        {current && (
          <>
            {' '}
            Sign-in link: <code>{`${window.location.origin}/?org=${organizationId}`}</code>
          </>
        )}
      </p>
      <form onSubmit={submit} className="card">
        <Field id="tenant" label="Entra tenant id">
          <input id="tenant" name="tenant" defaultValue={current?.tenantId ?? ''} required />
        </Field>
        <Field id="client" label="Application (client) id">
          <input id="client" name="client" defaultValue={current?.clientId ?? ''} required />
        </Field>
        <Field id="secret" label={current?.hasClientSecret ? 'Client secret (leave empty to keep)' : 'Client secret'}>
          <input id="secret" name="secret" type="password" autoComplete="off" required={!current?.hasClientSecret} />
        </Field>
        <Field id="jit" label="Unknown e-mails of the tenant">
          <select id="jit" name="jit" defaultValue={current?.jitRole ?? 'none'}>
            <option value="none">Refused: staff are invited first</option>
            <option value="viewer">Join as viewer</option>
            <option value="analyst">Join as analyst</option>
            <option value="admin">Join as admin</option>
          </select>
        </Field>
        <Field id="authority" label="Identity platform (empty for Microsoft)">
          <input id="authority" name="authority" defaultValue={current?.authority ?? ''} />
        </Field>
        <FormError error={save.error} />
        <button type="submit" className="primary" disabled={save.isPending}>
          Save Microsoft sign-in
        </button>
        {current && (
          <button type="button" onClick={() => save.mutate({ settings: null })} disabled={save.isPending}>
            Turn off Microsoft sign-in
          </button>
        )}
      </form>
    </section>
  );
}
