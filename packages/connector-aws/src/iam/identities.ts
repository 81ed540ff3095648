import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
  GetCredentialReportCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam';
import { sleep } from '@evident/connector-kit';
import type { Fact, IdentityFact } from '@evident/core';
import type { AccountRun } from '../run.ts';
import { ADMIN_MANAGED, deniesWithoutMfa, grantsAdmin, statements } from './policy.ts';
import { parseReport, type ReportRow, ROOT_ROW } from './report.ts';

type Statements = ReturnType<typeof statements>;

/** Generates the credential report and reads it; IAM builds it in the background, so it is polled briefly. */
export async function readReport(run: AccountRun): Promise<ReportRow[]> {
  const { iam } = run.clients;
  for (let attempt = 0; ; attempt++) {
    const state = await run.call('iam:GenerateCredentialReport', () =>
      iam.send(new GenerateCredentialReportCommand({})),
    );
    if (state.State === 'COMPLETE' || attempt >= 10) break;
    await sleep(run.pollMs * (attempt + 1), run.ctx.signal);
  }
  const out = await run.call('iam:GetCredentialReport', () => iam.send(new GetCredentialReportCommand({})));
  if (!out.Content) throw new Error('IAM answered the credential report without content');
  return parseReport(Buffer.from(out.Content).toString('utf8'));
}

interface Grants {
  /** Names of what makes the principal an administrator. */
  admin: string[];
  /** Names of the policies that deny everything without MFA. */
  forceMfa: string[];
  /** Customer-managed policies attached but not read: neither privilege nor enforcement can then be ruled out. */
  unread: string[];
}

class Directory {
  readonly policies = new Map<string, { name: string; statements: Statements }>();
  readonly groups = new Map<string, { attached: string[]; inline: { name: string; statements: Statements }[] }>();

  grants(attached: string[], inline: { name: string; statements: Statements }[], groups: string[]): Grants {
    const g: Grants = { admin: [], forceMfa: [], unread: [] };
    const judge = (name: string, s: Statements) => {
      if (s === null) return void g.unread.push(name);
      if (grantsAdmin(s)) g.admin.push(name);
      if (deniesWithoutMfa(s)) g.forceMfa.push(name);
    };
    const managed = (arn: string) => {
      const known = ADMIN_MANAGED.get(arn);
      if (known) return void g.admin.push(known);
      // AWS-managed policies other than the admin ones are not read: none of them denies without MFA.
      if (arn.startsWith('arn:aws:iam::aws:policy/')) return;
      const p = this.policies.get(arn);
      judge(p?.name ?? arn, p ? p.statements : null);
    };
    for (const arn of attached) managed(arn);
    for (const p of inline) judge(p.name, p.statements);
    for (const name of groups) {
      const group = this.groups.get(name);
      if (!group) {
        g.unread.push(`group ${name}`);
        continue;
      }
      for (const arn of group.attached) managed(arn);
      for (const p of group.inline) judge(`${p.name} (group ${name})`, p.statements);
    }
    return g;
  }
}

type Details = GetAccountAuthorizationDetailsCommandOutput;

async function* pages(run: AccountRun, filter: ('User' | 'Group' | 'LocalManagedPolicy')[]): AsyncGenerator<Details> {
  let marker: string | undefined;
  do {
    const page = await run.call('iam:GetAccountAuthorizationDetails', () =>
      run.clients.iam.send(
        new GetAccountAuthorizationDetailsCommand({
          Filter: filter,
          MaxItems: 1000,
          ...(marker ? { Marker: marker } : {}),
        }),
      ),
    );
    run.session.page();
    yield page;
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
}

async function directory(run: AccountRun): Promise<Directory> {
  const dir = new Directory();
  for await (const page of pages(run, ['Group', 'LocalManagedPolicy'])) {
    for (const p of page.Policies ?? []) {
      if (!p.Arn) continue;
      const doc = p.PolicyVersionList?.find((v) => v.IsDefaultVersion)?.Document;
      dir.policies.set(p.Arn, { name: p.PolicyName ?? p.Arn, statements: statements(doc) });
    }
    for (const g of page.GroupDetailList ?? []) {
      if (!g.GroupName) continue;
      dir.groups.set(g.GroupName, {
        attached: (g.AttachedManagedPolicies ?? []).flatMap((a) => (a.PolicyArn ? [a.PolicyArn] : [])),
        inline: (g.GroupPolicyList ?? []).map((p) => ({
          name: p.PolicyName ?? 'inline',
          statements: statements(p.PolicyDocument),
        })),
      });
    }
  }
  return dir;
}

/** Whether some MFA device of a user is a FIDO security key (serials `arn:aws:iam::<acct>:u2f/…`). */
async function securityKey(run: AccountRun, user: string): Promise<boolean> {
  const out = await run.call('iam:ListMFADevices', () =>
    run.clients.iam.send(new ListMFADevicesCommand({ UserName: user })),
  );
  return (out.MFADevices ?? []).some((d) => /:u2f\//.test(d.SerialNumber ?? ''));
}

function enforcement(
  row: ReportRow,
  grants: Grants,
): Pick<IdentityFact, 'mfaEnforced' | 'enforcementSource' | 'enforcementReason' | 'enforcementDetail'> {
  if (grants.forceMfa.length > 0) {
    return {
      mfaEnforced: true,
      enforcementSource: 'policy',
      enforcementReason: 'enforced_policy',
      enforcementDetail: `${grants.forceMfa.join(', ')} denies every action without MFA`,
    };
  }
  if (grants.unread.length > 0) {
    return {
      mfaEnforced: 'unknown',
      enforcementSource: 'unknown',
      enforcementReason: 'unknown',
      enforcementDetail: `policies not read: ${grants.unread.join(', ')}`,
    };
  }
  if (row.mfaActive === true) {
    return {
      mfaEnforced: true,
      enforcementSource: 'per_user',
      enforcementReason: 'enforced_per_user',
      enforcementDetail:
        'AWS asks for the user’s own MFA device at console sign-in; no policy denies access without MFA, so its access keys and any device removal go unchallenged',
    };
  }
  if (row.mfaActive === false) {
    return { mfaEnforced: false, enforcementSource: 'none', enforcementReason: 'not_registered' };
  }
  return { mfaEnforced: 'unknown', enforcementSource: 'unknown', enforcementReason: 'unknown' };
}

/** The root user: always privileged; MFA enforced only by its own device, which AWS asks for at every sign-in. */
export async function rootIdentity(run: AccountRun, rows: ReportRow[]): Promise<IdentityFact> {
  const row = rows.find((r) => r.user === ROOT_ROW);
  if (!row) throw new Error('the credential report has no <root_account> row');
  let virtual: boolean | 'unknown' = 'unknown';
  if (row.mfaActive === true) {
    try {
      const serial = `arn:aws:iam::${run.account}:mfa/root-account-mfa-device`;
      const out = await run.call('iam:ListVirtualMFADevices', () =>
        run.clients.iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' })),
      );
      virtual = (out.VirtualMFADevices ?? []).some((d) => d.SerialNumber === serial);
    } catch (error) {
      run.ctx.logger.warn('root MFA device kind unread', { account: run.account, error: String(error) });
    }
  }
  const methods =
    row.mfaActive !== true
      ? []
      : virtual === true
        ? ['virtual_mfa']
        : virtual === false
          ? ['hardware_or_security_key']
          : ['mfa'];
  return {
    ...run.base('iam:GetCredentialReport, iam:ListVirtualMFADevices'),
    type: 'identity',
    subject: row.arn || `arn:aws:iam::${run.account}:root`,
    name: `root user of ${run.account}`,
    kind: 'human',
    enabled: true,
    external: false,
    mspPrincipal: 'unknown',
    privileged: true,
    roles: ['root user'],
    mfaRegistered: row.mfaActive,
    methods,
    // Root's other devices (security keys among them) are listed nowhere IAM lets another principal read.
    phishingResistantRegistered: row.mfaActive === false ? false : 'unknown',
    ...enforcement(row, { admin: [], forceMfa: [], unread: [] }),
    ...(row.mfaActive === true
      ? {
          enforcementDetail:
            'AWS asks for the root user’s MFA device at every sign-in; no account-wide rule requires one',
        }
      : {}),
    phishingResistantEnforced: false,
    lastSignIn: row.passwordLastUsed,
  };
}

/** Every IAM user, page by page, joined with its credential-report row; the report's rows not paged are unknown. */
export async function* userIdentities(run: AccountRun, rows: ReportRow[]): AsyncGenerator<Fact> {
  const byName = new Map(rows.filter((r) => r.user !== ROOT_ROW).map((r) => [r.user, r]));
  const dir = await directory(run);
  const breakGlass = new Set(run.ctx.config.breakGlassUsers);
  for await (const page of pages(run, ['User'])) {
    for (const u of page.UserDetailList ?? []) {
      if (!u.UserName) continue;
      // IAM serves a report up to four hours old: a user created since is in none of its rows, and unknown there.
      const row = byName.get(u.UserName) ?? unreported(u.UserName, u.Arn ?? '');
      byName.delete(u.UserName);
      const grants = dir.grants(
        (u.AttachedManagedPolicies ?? []).flatMap((a) => (a.PolicyArn ? [a.PolicyArn] : [])),
        (u.UserPolicyList ?? []).map((p) => ({
          name: p.PolicyName ?? 'inline',
          statements: statements(p.PolicyDocument),
        })),
        u.GroupList ?? [],
      );
      yield await userFact(run, row, grants, breakGlass.has(u.UserName));
    }
  }
  for (const row of byName.values()) {
    yield userFact(
      run,
      row,
      { admin: [], forceMfa: [], unread: ['the user was not listed by GetAccountAuthorizationDetails'] },
      breakGlass.has(row.user),
      'unknown',
    );
  }
}

function unreported(user: string, arn: string): ReportRow {
  return { user, arn, passwordEnabled: 'unknown', passwordLastUsed: 'unknown', mfaActive: 'unknown', activeKeys: 0 };
}

async function userFact(
  run: AccountRun,
  row: ReportRow,
  grants: Grants,
  breakGlass: boolean,
  privilegedOverride?: 'unknown',
): Promise<IdentityFact> {
  const privileged =
    privilegedOverride ?? (grants.admin.length > 0 ? true : grants.unread.length > 0 ? 'unknown' : false);
  const password = row.passwordEnabled;
  let phishingResistant: boolean | 'unknown' = row.mfaActive === false ? false : 'unknown';
  if (privileged === true && row.mfaActive === true) phishingResistant = await securityKey(run, row.user);
  return {
    ...run.base('iam:GetCredentialReport, iam:GetAccountAuthorizationDetails'),
    type: 'identity',
    subject: row.arn,
    name: row.user,
    // An IAM user without a console password signs in with access keys only: a workload, out of MFA's reach.
    kind: breakGlass ? 'break_glass' : password === false ? 'service' : 'human',
    enabled: password === true || row.activeKeys > 0 || password === 'unknown',
    external: false,
    mspPrincipal: 'unknown',
    privileged,
    roles: grants.admin,
    mfaRegistered: row.mfaActive,
    methods: row.mfaActive === true ? ['mfa_device'] : [],
    phishingResistantRegistered: phishingResistant,
    ...enforcement(row, grants),
    phishingResistantEnforced: false,
    lastSignIn: row.passwordLastUsed,
  };
}
