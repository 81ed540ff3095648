import type { CheckItem, ConnectorError } from '@evident/connector-kit';

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: ConnectorError };

const refused = (e: ConnectorError) =>
  e.code === 'permission_missing' || e.code === 'licence_required' || e.code === 'auth_failed';

/** A check item from one probe: granted when it answered, else missing (refused) or unknown, saying why. */
export function item(name: string, kind: CheckItem['kind'], result: Attempt<unknown>, granted: string): CheckItem {
  if (result.ok) return { name, kind, status: 'granted', message: granted };
  const { message, details } = result.error;
  const needs = details.permission && details.permission !== name ? ` Needs ${details.permission}.` : '';
  return { name, kind, status: refused(result.error) ? 'missing' : 'unknown', message: `${message}${needs}` };
}

export const unknown = (name: string, kind: CheckItem['kind'], message: string): CheckItem => ({
  name,
  kind,
  status: 'unknown',
  message,
});
