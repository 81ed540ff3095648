import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useSyncExternalStore } from 'react';

/** Every page of the app, typed: a link or a navigation names one of these, never a free string. */
export type Route =
  | { name: 'signIn' }
  | { name: 'signUp' }
  | { name: 'invitation'; token: string }
  | { name: 'portfolio' }
  | { name: 'audit' }
  | { name: 'settings'; tab: SettingsTab }
  | { name: 'tenant'; tenantId: string }
  | { name: 'control'; tenantId: string; controlId: string }
  | { name: 'shares'; tenantId: string }
  | { name: 'exceptions'; tenantId: string }
  | { name: 'schedules'; tenantId: string }
  | { name: 'shared'; token: string }
  | { name: 'verify' }
  | { name: 'ssoCallback' }
  | { name: 'notFound' };

export const SETTINGS_TABS = ['branding', 'staff', 'sessions', 'security', 'alerts', 'integrations'] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];

const seg = encodeURIComponent;

export function href(route: Route): string {
  switch (route.name) {
    case 'signIn':
      return '/sign-in';
    case 'signUp':
      return '/sign-up';
    case 'invitation':
      return `/invite/${seg(route.token)}`;
    case 'portfolio':
      return '/';
    case 'audit':
      return '/audit';
    case 'settings':
      return `/settings/${route.tab}`;
    case 'tenant':
      return `/tenants/${seg(route.tenantId)}`;
    case 'control':
      return `/tenants/${seg(route.tenantId)}/controls/${seg(route.controlId)}`;
    case 'shares':
      return `/tenants/${seg(route.tenantId)}/shares`;
    case 'exceptions':
      return `/tenants/${seg(route.tenantId)}/exceptions`;
    case 'schedules':
      return `/tenants/${seg(route.tenantId)}/schedules`;
    case 'shared':
      return `/s/${seg(route.token)}`;
    case 'verify':
      return '/verify';
    case 'ssoCallback':
      return '/sso/callback';
    case 'notFound':
      return '/not-found';
  }
}

/** The server answers 404 for a path this does not know: `isAppPage` in `packages/http/src/web.ts` mirrors it. */
export function parse(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (parts.length === 0) return { name: 'portfolio' };
  if (a === 'sign-in' && parts.length === 1) return { name: 'signIn' };
  if (a === 'sign-up' && parts.length === 1) return { name: 'signUp' };
  if (a === 'audit' && parts.length === 1) return { name: 'audit' };
  if (a === 'verify' && parts.length === 1) return { name: 'verify' };
  if (a === 'sso' && b === 'callback' && parts.length === 2) return { name: 'ssoCallback' };
  if (a === 'settings' && parts.length === 1) return { name: 'settings', tab: 'branding' };
  if (a === 'settings' && parts.length === 2 && SETTINGS_TABS.includes(b as SettingsTab))
    return { name: 'settings', tab: b as SettingsTab };
  if (a === 's' && b && parts.length === 2) return { name: 'shared', token: b };
  if (a === 'invite' && b && parts.length === 2) return { name: 'invitation', token: b };
  if (a === 'tenants' && b) {
    if (parts.length === 2) return { name: 'tenant', tenantId: b };
    if (c === 'controls' && d && parts.length === 4) return { name: 'control', tenantId: b, controlId: d };
    if (c === 'shares' && parts.length === 3) return { name: 'shares', tenantId: b };
    if (c === 'exceptions' && parts.length === 3) return { name: 'exceptions', tenantId: b };
    if (c === 'schedules' && parts.length === 3) return { name: 'schedules', tenantId: b };
  }
  return { name: 'notFound' };
}

const listeners = new Set<() => void>();
const subscribe = (fn: () => void) => {
  listeners.add(fn);
  window.addEventListener('popstate', fn);
  return () => {
    listeners.delete(fn);
    window.removeEventListener('popstate', fn);
  };
};

export function navigate(route: Route, replace = false) {
  const url = href(route);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const fn of listeners) fn();
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, () => location.pathname);
  return parse(path);
}

/** Moves focus to the page's heading after navigation, so keyboard and screen-reader users land on the new page. */
export function useFocusHeading(key: string) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names the page; focus moves when it changes
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [key]);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: Route };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={href(to)} onClick={click} {...rest} />;
}
