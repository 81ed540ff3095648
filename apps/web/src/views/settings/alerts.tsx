import { AlertChannels } from './alerts-channels.tsx';
import { DeliveryLog } from './alerts-log.tsx';
import { AlertRules } from './alerts-rules.tsx';
import { atLeast, type Role } from './roles.ts';

/** Settings → Alerts: channels, rules and mutes, and the delivery log. Admins change them; others read. */
export function AlertsSettings({ role }: { role: Role }) {
  const canEdit = atLeast(role, 'admin');
  return (
    <>
      {!canEdit && <p className="muted">Channels and rules are changed by admins and owners.</p>}
      <AlertChannels canEdit={canEdit} />
      <AlertRules canEdit={canEdit} />
      <DeliveryLog canRetry={canEdit} />
    </>
  );
}
