import { below } from '../rng.ts';
import type { Scenario } from '../scenario/schema.ts';
import { type GithubApp, installationId } from './app.ts';
import { simpleUser } from './bodies.ts';
import { type GithubOrgView, githubNodeId, githubOrg } from './world.ts';

/** The slug of the simulated App, as `github.com/apps/<slug>` names it. */
export const APP_SLUG = 'evident-compliance';

/** One installation of the App: on an org of the scenario, or on a personal account. */
export interface AppInstallation {
  id: number;
  account: { login: string; id: number; type: 'Organization' | 'User' };
  permissions: Record<string, 'read' | 'write'>;
  createdAt: string;
  /** Who suspended it and when; suspended installations obtain no tokens. */
  suspended: { at: string; by: { login: string; id: number } } | null;
}

const day = (n: number) => new Date(n * 86_400_000).toISOString().replace('.000Z', 'Z');

function onOrg(org: GithubOrgView, seed: number): AppInstallation {
  const created = 19_500 + below(800, seed, 'github', org.login, 'installed');
  const owner = org.tokenUser(true);
  return {
    id: installationId(org.world, seed),
    account: { login: org.login, id: org.id, type: 'Organization' },
    permissions: org.world.appPermissions,
    createdAt: day(created),
    suspended: org.world.appInstallation === 'suspended' ? { at: day(created + 30), by: owner } : null,
  };
}

function onUser(login: string, seed: number): AppInstallation {
  return {
    id: installationId({ org: login }, seed),
    account: { login, id: 30_000_000 + below(9_000_000, seed, 'github', login, 'user'), type: 'User' },
    permissions: { metadata: 'read' },
    createdAt: day(19_600 + below(600, seed, 'github', login, 'installed')),
    suspended: null,
  };
}

/** Every installation of the App in the scenario, ordered by id as `GET /app/installations` lists them. */
export function appInstallations(sc: Scenario): AppInstallation[] {
  const orgs = sc.tenants.flatMap((t) =>
    t.github && t.github.appInstallation !== 'none' ? [onOrg(githubOrg(t.github, sc.seed), sc.seed)] : [],
  );
  const users = sc.githubAppUserInstallations.map((login) => onUser(login, sc.seed));
  return [...orgs, ...users].sort((a, b) => a.id - b.id);
}

/** An installation as GitHub's `installation` schema (`GET /app/installations`, `GET /app/installations/{id}`). */
export function installationBody(i: AppInstallation, app: Pick<GithubApp, 'id'>, api: string) {
  const { login, id, type } = i.account;
  const account = {
    ...simpleUser({ login, id }, api),
    node_id: githubNodeId(type, id),
    type,
  };
  const settings = type === 'Organization' ? `organizations/${login}/settings` : 'settings';
  return {
    id: i.id,
    account,
    repository_selection: 'all',
    access_tokens_url: `${api}/app/installations/${i.id}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `https://github.com/${settings}/installations/${i.id}`,
    app_id: app.id,
    client_id: `Iv23li${String(app.id).padStart(14, '0')}`,
    target_id: id,
    target_type: type,
    permissions: i.permissions,
    events: [],
    created_at: i.createdAt,
    updated_at: i.suspended?.at ?? i.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    app_slug: APP_SLUG,
    suspended_by: i.suspended ? simpleUser(i.suspended.by, api) : null,
    suspended_at: i.suspended?.at ?? null,
    contact_email: null,
  };
}
