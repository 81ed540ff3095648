import {
  type CheckItem,
  type CheckResult,
  CollectionSession,
  type ConnectorContext,
  type ConnectorError,
} from '@evident/connector-kit';
import { createClients } from './client.ts';
import { ROLE_POLICIES } from './collect/activation.ts';
import { GROUP_ELIGIBILITY, ROLE_ELIGIBILITY } from './collect/eligibility.ts';
import { DIAGNOSTICS } from './collect/exports.ts';
import { licenceOf } from './collect/tenant.ts';
import type { EntraConfig, EntraSecret } from './config.ts';
import { classifyGraphError } from './errors.ts';
import { getOne } from './graph-pages.ts';
import {
  DIAGNOSTICS_ROLE,
  GOVERNANCE_LICENCE,
  GROUP_ELIGIBILITY_PERMISSION,
  P1_LICENCE,
  ROLE_POLICY_PERMISSION,
  STORAGE_READER,
  WORKSPACE_READER,
} from './permissions.ts';
import type { EntraTuning } from './tuning.ts';

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
/** No tenant has this group; Graph checks the grant before it looks, so "not found" means the read is allowed. */
const NO_GROUP = '00000000-0000-0000-0000-000000000000';

/** One read per permission, each the call a collection makes with it. */
const PROBES: {
  name: string;
  path: string;
  query?: Record<string, string>;
  absentIsGranted?: boolean;
  /** A grant the read needs as well: without it, a refusal says nothing about this one. */
  alongside?: string;
}[] = [
  { name: 'AuditLog.Read.All', path: '/auditLogs/directoryAudits', query: { $top: '1' } },
  { name: 'Policy.Read.All', path: '/policies/identitySecurityDefaultsEnforcementPolicy' },
  { name: 'Policy.Read.AuthenticationMethod', path: '/policies/authenticationMethodsPolicy' },
  {
    name: 'RoleManagement.Read.Directory',
    path: '/roleManagement/directory/roleAssignments',
    query: { $filter: `roleDefinitionId eq '${GLOBAL_ADMINISTRATOR}'` },
  },
  {
    name: 'GroupMember.Read.All',
    path: `/groups/${NO_GROUP}/transitiveMembers`,
    query: { $select: 'id', $top: '1' },
    absentIsGranted: true,
  },
  { name: 'User.Read.All', path: '/users', query: { $select: 'id', $top: '1' } },
  { name: 'Directory.Read.All', path: '/auditLogs/signIns', query: { $top: '1' }, alongside: 'AuditLog.Read.All' },
  {
    name: ROLE_POLICY_PERMISSION,
    path: ROLE_POLICIES,
    query: { $filter: "scopeId eq '/' and scopeType eq 'DirectoryRole'", $top: '1' },
    alongside: GOVERNANCE_LICENCE,
  },
  {
    name: GROUP_ELIGIBILITY_PERMISSION,
    path: GROUP_ELIGIBILITY,
    query: { $filter: `groupId eq '${NO_GROUP}'` },
    alongside: GOVERNANCE_LICENCE,
  },
];

type Outcome = { ok: true; value: unknown } | { ok: false; error: ConnectorError };

/** The destinations whose retention a collection reads, each with the role that reads it. */
const DESTINATION_READS = [
  [WORKSPACE_READER, 'workspaceId', '2022-10-01'],
  [STORAGE_READER, 'storageAccountId', '2023-05-01'],
] as const;

function destinationIds(settings: unknown, key: 'workspaceId' | 'storageAccountId'): string[] {
  const list = (settings as { value?: { properties?: Record<string, unknown> }[] }).value ?? [];
  const ids = list.map((s) => s.properties?.[key]).filter((id): id is string => typeof id === 'string' && id !== '');
  return [...new Set(ids)];
}

function item(name: string, kind: CheckItem['kind'], outcome: Outcome, granted: string): CheckItem {
  if (outcome.ok) return { name, kind, status: 'granted', message: granted };
  const status = outcome.error.code === 'permission_missing' ? 'missing' : 'unknown';
  return { name, kind, status, message: outcome.error.message };
}

/** PIM answers only with P2 or Governance; without it eligible admins stay unseen, which a collection names. */
function governanceItem(eligibility: Outcome): CheckItem {
  const licence = { name: GOVERNANCE_LICENCE, kind: 'licence' } as const;
  if (eligibility.ok) return { ...licence, status: 'granted', message: `read ${ROLE_ELIGIBILITY}` };
  if (eligibility.error.code === 'licence_required') {
    return { ...licence, status: 'missing', message: 'PIM eligibility cannot be read: eligible admins stay unseen' };
  }
  return { ...licence, status: 'unknown', message: eligibility.error.message };
}

function licenceItem(skus: Outcome): CheckItem {
  const licence = { name: P1_LICENCE, kind: 'licence' } as const;
  if (!skus.ok) return { ...licence, status: 'unknown', message: 'the licences could not be read' };
  const tier = licenceOf((skus.value as { value?: [] }).value ?? []);
  if (tier === 'free') return { ...licence, status: 'missing', message: 'the tenant has Entra ID Free' };
  return { ...licence, status: 'granted', message: `the tenant has Entra ID ${tier.toUpperCase()}` };
}

/** Probes every grant a collection uses, one read each; stops at the first sign-in failure. */
export async function checkEntra(
  ctx: ConnectorContext<EntraConfig, EntraSecret>,
  tuning: EntraTuning,
): Promise<CheckResult> {
  const clients = createClients(ctx.config, ctx.secret, ctx.signal, tuning, ctx.egress, ctx.limiter.concurrency);
  const session = new CollectionSession(ctx, 'entra', (e) => classifyGraphError(e));
  const attempt = async (call: () => Promise<unknown>): Promise<Outcome> => {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      return { ok: false, error: classifyGraphError(error) };
    }
  };
  const items: CheckItem[] = [];
  // PIM is optional: a tenant without it is still fully collectable, with eligibility named as unseen.
  const result = () => {
    const pim = items.find((i) => i.name === GOVERNANCE_LICENCE)?.status === 'granted';
    const optional = (i: CheckItem) =>
      i.name === GOVERNANCE_LICENCE ||
      (!pim && [GROUP_ELIGIBILITY_PERMISSION, ROLE_POLICY_PERMISSION].includes(i.name) && i.status === 'unknown');
    return { ok: items.every((i) => i.status === 'granted' || optional(i)), items };
  };
  /** Records one outcome; false once the tenant refused to sign in, when nothing further can be learned. */
  const record = (name: string, kind: CheckItem['kind'], outcome: Outcome, granted: string) => {
    const signIn = !outcome.ok && outcome.error.code === 'auth_failed';
    items.push(
      signIn
        ? { name: 'sign-in', kind: 'permission', status: 'missing', message: outcome.error.message }
        : item(name, kind, outcome, granted),
    );
    return !signIn;
  };
  try {
    const skus = await attempt(() => getOne(session, clients.graph, '/subscribedSkus', 'Organization.Read.All'));
    if (!record('Organization.Read.All', 'permission', skus, 'read /subscribedSkus')) return result();
    items.push(licenceItem(skus));
    const query = { $top: '1' };
    const eligibility = await attempt(() =>
      getOne(session, clients.graph, ROLE_ELIGIBILITY, 'RoleManagement.Read.Directory', query),
    );
    items.push(governanceItem(eligibility));
    for (const probe of PROBES) {
      let outcome = await attempt(() => getOne(session, clients.graph, probe.path, probe.name, probe.query));
      if (probe.absentIsGranted && !outcome.ok && outcome.error.code === 'not_supported')
        outcome = { ok: true, value: undefined };
      const blind = probe.alongside && items.find((i) => i.name === probe.alongside)?.status !== 'granted';
      if (blind && !outcome.ok && outcome.error.code === 'permission_missing') {
        const message = `a refusal cannot be told apart from the missing ${probe.alongside}`;
        items.push({ name: probe.name, kind: 'permission', status: 'unknown', message });
      } else if (!record(probe.name, 'permission', outcome, `read ${probe.path}`)) return result();
    }
    const { attempts, baseDelayMs, maxDelayMs } = tuning;
    const readSettings = () =>
      clients.arm(DIAGNOSTICS).catch((e) => Promise.reject(classifyGraphError(e, DIAGNOSTICS_ROLE)));
    const settings = await attempt(() => session.call(readSettings, { attempts, baseDelayMs, maxDelayMs }));
    if (!record(DIAGNOSTICS_ROLE, 'role', settings, 'read the diagnostic settings') || !settings.ok) return result();
    const armRead = (path: string, role: string) =>
      attempt(() =>
        session.call(() => clients.arm(path).catch((e) => Promise.reject(classifyGraphError(e, role))), {
          attempts,
          baseDelayMs,
          maxDelayMs,
        }),
      );
    for (const [role, key, version] of DESTINATION_READS) {
      const ids = destinationIds(settings.value, key);
      if (ids.length === 0) continue;
      let outcome: Outcome = { ok: true, value: undefined };
      for (const id of ids) {
        outcome = await armRead(`${id}?api-version=${version}`, role);
        if (!outcome.ok) break;
      }
      if (!record(role, 'role', outcome, `read ${ids.length === 1 ? ids[0] : `${ids.length} of them`}`))
        return result();
    }
    return result();
  } finally {
    await clients.close();
  }
}
