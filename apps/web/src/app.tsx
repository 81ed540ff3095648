import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, navigate, type Route, useRoute } from './router.tsx';
import { ThemeToggle } from './theme.tsx';
import { errorCode, useTRPC } from './trpc.ts';
import { ErrorState, Loading, NotFound } from './ui.tsx';
import { AuditAlertBanner, AuditView } from './views/audit.tsx';
import { Enrol, SecondFactor, SignIn, SignUp } from './views/auth.tsx';
import { ControlView } from './views/control.tsx';
import { ExceptionsView } from './views/exceptions.tsx';
import { AcceptInvitation } from './views/invitation.tsx';
import { PasskeyEnrolStep } from './views/passkeys.tsx';
import { PortfolioView } from './views/portfolio.tsx';
import { SchedulesView } from './views/schedules.tsx';
import { SettingsView } from './views/settings/index.tsx';
import { SharedView } from './views/shared.tsx';
import { SharesView } from './views/shares.tsx';
import { MicrosoftCallback } from './views/sso.tsx';
import { TenantView } from './views/tenant.tsx';
import { VerifyView } from './views/verify.tsx';

export function App() {
  const route = useRoute();
  // The shared view stands alone: no staff session is asked for and nothing else is reachable from it.
  if (route.name === 'shared') return <SharedView token={route.token} />;
  // An auditor verifies a pack without an account: the page needs no session and sends nothing.
  if (route.name === 'verify')
    return (
      <Frame>
        <VerifyView />
      </Frame>
    );
  return <StaffApp route={route} />;
}

function StaffApp({ route }: { route: Route }) {
  const trpc = useTRPC();
  const pending = useQuery(trpc.auth.pending.queryOptions());
  if (pending.isPending)
    return (
      <Frame>
        <Loading what="your session" />
      </Frame>
    );
  if (pending.isError) {
    if (errorCode(pending.error) !== 'UNAUTHORIZED')
      return (
        <Frame>
          <ErrorState error={pending.error} retry={() => pending.refetch()} />
        </Frame>
      );
    return (
      <Frame>
        {route.name === 'signUp' ? (
          <SignUp />
        ) : route.name === 'ssoCallback' ? (
          <MicrosoftCallback />
        ) : route.name === 'invitation' ? (
          <AcceptInvitation token={route.token} />
        ) : route.name === 'notFound' ? (
          <NotFound what="Page" />
        ) : (
          <SignIn />
        )}
      </Frame>
    );
  }
  if (pending.data.next === 'enrol')
    return (
      <Frame>
        <Enrol email={pending.data.email} />
      </Frame>
    );
  if (pending.data.next === 'totp' || pending.data.next === 'passkey')
    return (
      <Frame>
        <SecondFactor email={pending.data.email} passkeyOnly={pending.data.next === 'passkey'} />
      </Frame>
    );
  if (pending.data.next === 'passkey_enrol')
    return (
      <Frame>
        <PasskeyEnrolStep email={pending.data.email} />
      </Frame>
    );
  if (
    route.name === 'signIn' ||
    route.name === 'signUp' ||
    route.name === 'invitation' ||
    route.name === 'ssoCallback'
  ) {
    navigate({ name: 'portfolio' }, true);
    return null;
  }
  return (
    <Frame nav={<StaffNav email={pending.data.email} />}>
      <AuditAlertBanner />
      <Page route={route} />
    </Frame>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'portfolio':
      return <PortfolioView />;
    case 'tenant':
      return <TenantView tenantId={route.tenantId} />;
    case 'control':
      return <ControlView tenantId={route.tenantId} controlId={route.controlId} />;
    case 'shares':
      return <SharesView tenantId={route.tenantId} />;
    case 'exceptions':
      return <ExceptionsView tenantId={route.tenantId} />;
    case 'schedules':
      return <SchedulesView tenantId={route.tenantId} />;
    case 'audit':
      return <AuditView />;
    case 'settings':
      return <SettingsView tab={route.tab} />;
    default:
      return <NotFound what="Page" />;
  }
}

function StaffNav({ email }: { email: string }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: async () => {
        navigate({ name: 'signIn' }, true);
        await client.resetQueries();
      },
    }),
  );
  return (
    <nav aria-label="Main" className="nav">
      <Link to={{ name: 'portfolio' }}>Portfolio</Link>
      <Link to={{ name: 'audit' }}>Audit log</Link>
      <Link to={{ name: 'settings', tab: 'branding' }}>Settings</Link>
      <span className="muted nav-user">{email}</span>
      <button type="button" className="link-button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        Sign out
      </button>
    </nav>
  );
}

export function Frame({ nav, children }: { nav?: ReactNode; children: ReactNode }) {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Evident</span>
        {nav}
        <ThemeToggle />
      </header>
      <main id="main">{children}</main>
    </>
  );
}
