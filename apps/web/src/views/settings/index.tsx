import { useQuery } from '@tanstack/react-query';
import { Link, type SettingsTab, useFocusHeading } from '../../router.tsx';
import { useTRPC } from '../../trpc.ts';
import { ErrorState, Loading } from '../../ui.tsx';
import { AlertsSettings } from './alerts.tsx';
import { BrandingSettings } from './branding.tsx';
import { IntegrationsSettings } from './integrations.tsx';
import { SecuritySettings } from './security.tsx';
import { SessionsSettings } from './sessions.tsx';
import { StaffSettings } from './staff.tsx';

const TABS: { tab: SettingsTab; label: string }[] = [
  { tab: 'branding', label: 'Branding' },
  { tab: 'staff', label: 'Staff and invitations' },
  { tab: 'sessions', label: 'Your sessions' },
  { tab: 'security', label: 'Security' },
  { tab: 'alerts', label: 'Alerts' },
  { tab: 'integrations', label: 'Integrations' },
];

/** The organization's settings; actions a role may not take are not offered (the server refuses them anyway). */
export function SettingsView({ tab }: { tab: SettingsTab }) {
  useFocusHeading(`settings-${tab}`);
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const current = TABS.find((t) => t.tab === tab);
  return (
    <section>
      <h1 tabIndex={-1}>Settings: {current?.label}</h1>
      <nav aria-label="Settings" className="settings-tabs">
        {TABS.map((t) => (
          <Link key={t.tab} to={{ name: 'settings', tab: t.tab }} aria-current={t.tab === tab ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {me.isPending ? (
        <Loading what="your account" />
      ) : me.isError ? (
        <ErrorState error={me.error} retry={() => me.refetch()} />
      ) : tab === 'branding' ? (
        <BrandingSettings role={me.data.user.role} organizationName={me.data.organization.name} />
      ) : tab === 'staff' ? (
        <StaffSettings role={me.data.user.role} myId={me.data.user.id} />
      ) : tab === 'integrations' ? (
        <IntegrationsSettings role={me.data.user.role} />
      ) : tab === 'alerts' ? (
        <AlertsSettings role={me.data.user.role} />
      ) : tab === 'security' ? (
        <SecuritySettings role={me.data.user.role} organizationId={me.data.organization.id} />
      ) : (
        <SessionsSettings />
      )}
    </section>
  );
}
