import { below, guid, unit, weighted } from '../rng.ts';
import type { GithubOrgView } from './world.ts';

/** One audit-log event, shaped as GitHub Enterprise Cloud's `audit-log-event`. */
export interface AuditEvent {
  '@timestamp': number;
  created_at: number;
  _document_id: string;
  action: string;
  operation_type: string;
  actor: string;
  actor_id: number;
  actor_location: { country_code: string; country_name: string };
  org: string;
  org_id: number;
  business?: string;
  business_id?: number;
  user?: string;
  user_id?: number;
  team?: string;
  repo?: string;
  repository?: string;
  repository_public?: boolean;
  visibility?: string;
  transport_protocol?: number;
  transport_protocol_name?: string;
}

export interface AuditLogView {
  /** Events kept (GHEC keeps 180 days), index 0 the newest. */
  total: number;
  /** Events in the default window (the past 3 months), which is what a query without `phrase` sees. */
  recent: number;
  perDay: number;
  event(index: number): AuditEvent;
  isGit(index: number): boolean;
}

const DAY = 86_400_000;
const WEB_ACTIONS: Record<string, number> = {
  'workflows.completed_workflow_run': 0.3,
  'team.add_member': 0.15,
  'repo.add_member': 0.1,
  'org.invite_member': 0.08,
  'org.add_member': 0.08,
  'repo.create': 0.08,
  'protected_branch.update': 0.06,
  'org.update_member': 0.05,
  'org.remove_member': 0.03,
  'repo.change_merge_setting': 0.07,
};
const GIT_ACTIONS: Record<string, number> = { 'git.clone': 0.6, 'git.fetch': 0.3, 'git.push': 0.1 };
const OPERATION: Record<string, string> = { add: 'create', invite: 'create', create: 'create', remove: 'remove' };
const COUNTRIES = [
  ['US', 'United States'],
  ['GB', 'United Kingdom'],
  ['DE', 'Germany'],
  ['IN', 'India'],
  ['NL', 'Netherlands'],
] as const;

function operationOf(action: string): string {
  if (action.startsWith('git.')) return action === 'git.push' ? 'modify' : 'access';
  if (action.startsWith('workflows.')) return 'access';
  const verb = action.split('.')[1]!.split('_')[0]!;
  return OPERATION[verb] ?? 'modify';
}

/**
 * The org's audit log, generated per index: a steady stream of everyday events plus the ones that matter here —
 * `org.enable_two_factor_requirement` 150 days ago and, when 2FA is off, `org.disable_two_factor_requirement` 12 days ago.
 * Git events exist only for the past 7 days, as GitHub keeps them.
 */
export function githubAuditLog(org: GithubOrgView, seed: number, nowMs: number): AuditLogView {
  const perDay = Math.min(500, Math.max(4, Math.ceil(org.world.members / 5)));
  const spacing = DAY / perDay;
  const enableAt = Math.floor(150 * perDay);
  const disableAt = org.world.twoFactorRequired ? -1 : Math.floor(12 * perDay);
  const key = (index: number, what: string) => ['github-audit', org.login, index, what];
  const timestamp = (index: number) =>
    nowMs - Math.floor((index + 0.1 + 0.8 * unit(seed, ...key(index, 't'))) * spacing);
  const isGit = (index: number) =>
    index !== enableAt &&
    index !== disableAt &&
    nowMs - timestamp(index) < 7 * DAY &&
    unit(seed, ...key(index, 'g')) < 0.4;
  const randomMember = (index: number, what: string) =>
    org.members.length > 0 ? org.member(below(org.members.length, seed, ...key(index, what))) : org.tokenUser(true);

  const event = (index: number): AuditEvent => {
    const at = timestamp(index);
    const [code, country] = COUNTRIES[below(COUNTRIES.length, seed, ...key(index, 'c'))]!;
    let action: string;
    if (index === enableAt) action = 'org.enable_two_factor_requirement';
    else if (index === disableAt) action = 'org.disable_two_factor_requirement';
    else action = weighted(isGit(index) ? GIT_ACTIONS : WEB_ACTIONS, seed, ...key(index, 'a'));
    const actor = action.startsWith('org.') ? org.tokenUser(true) : randomMember(index, 'actor');
    const docId = Buffer.from(guid(seed, ...key(index, 'd')).replaceAll('-', ''), 'hex').toString('base64url');
    const e: AuditEvent = {
      '@timestamp': at,
      created_at: at,
      _document_id: docId,
      action,
      operation_type: operationOf(action),
      actor: actor.login,
      actor_id: actor.id,
      actor_location: { country_code: code, country_name: country },
      org: org.login,
      org_id: org.id,
      ...(org.enterprise ? { business: org.enterprise, business_id: org.id + 7 } : {}),
    };
    const repo = `${org.login}/service-${below(24, seed, ...key(index, 'r'))}`;
    if (action.startsWith('git.') || action.startsWith('repo.') || action.startsWith('protected_branch.')) {
      Object.assign(e, { repo, repository: repo, repository_public: false, visibility: 'private' });
    }
    if (action.startsWith('git.')) Object.assign(e, { transport_protocol: 1, transport_protocol_name: 'http' });
    if (/member$/.test(action)) {
      const user = randomMember(index, 'user');
      Object.assign(e, { user: user.login, user_id: user.id });
    }
    if (action.startsWith('team.')) e.team = `${org.login}/team-${below(8, seed, ...key(index, 'team'))}`;
    return e;
  };

  return { total: 180 * perDay, recent: 90 * perDay, perDay, event, isGit };
}
