import { AwsError, el, esc, members, node } from './wire.ts';
import { type AwsAccount, type AwsUser, usersOf } from './world.ts';

const CREATED = '2025-01-15T09:00:00Z';
const userId = (i: number) => `AIDA${String(i).padStart(17, '0')}`;

const CSV_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

function csvRow(acct: string, u: AwsUser): string {
  const key = (n: number) => (u.accessKeysActive >= n ? `true,${CREATED},N/A,N/A,N/A` : 'false,N/A,N/A,N/A,N/A');
  return [
    u.name,
    `arn:aws:iam::${acct}:user/${u.name}`,
    CREATED,
    u.passwordEnabled ? 'true' : 'false',
    u.passwordEnabled ? CREATED : 'N/A',
    u.passwordEnabled ? CREATED : 'N/A',
    'N/A',
    u.mfaDevices.length > 0 ? 'true' : 'false',
    key(1),
    key(2),
    'false,N/A,false,N/A',
  ].join(',');
}

/** The credential report as IAM writes it: `<root_account>` first, then every user. */
export function credentialReport(a: AwsAccount): string {
  const root = `<root_account>,arn:aws:iam::${a.id}:root,${CREATED},not_supported,${CREATED},not_supported,not_supported,${a.rootMfa === 'none' ? 'false' : 'true'},false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
  const users = usersOf(a);
  const rows = [CSV_HEADER, root];
  for (let i = 0; i < users.count; i++) rows.push(csvRow(a.id, users.at(i)));
  return `${rows.join('\n')}\n`;
}

const attached = (arns: string[]) =>
  members(arns.map((arn) => `${el('PolicyName', arn.slice(arn.lastIndexOf('/') + 1))}${el('PolicyArn', arn)}`));

function page(params: URLSearchParams, total: number, fallback: number): { start: number; end: number; more: string } {
  const max = Math.min(Number(params.get('MaxItems') ?? fallback) || fallback, 1000);
  const start = Number(params.get('Marker') ?? 0) || 0;
  const end = Math.min(start + max, total);
  const more =
    end < total ? `<IsTruncated>true</IsTruncated>${el('Marker', String(end))}` : '<IsTruncated>false</IsTruncated>';
  return { start, end, more };
}

/** Users, then groups, then customer-managed policies, paged together as IAM does with one marker. */
export function authorizationDetails(a: AwsAccount, params: URLSearchParams): string {
  const users = usersOf(a);
  const groups = Object.entries(a.groups);
  const policies = Object.entries(a.managedPolicies);
  const filters = [...params.entries()].filter(([k]) => k.startsWith('Filter.member.')).map(([, v]) => v);
  const want = (f: string) => filters.length === 0 || filters.includes(f);
  const rows: string[][] = [[], [], []];
  const counts = [
    want('User') ? users.count : 0,
    want('Group') ? groups.length : 0,
    want('LocalManagedPolicy') ? policies.length : 0,
  ];
  const total = counts[0]! + counts[1]! + counts[2]!;
  const { start, end, more } = page(params, total, 100);
  for (let i = start; i < end; i++) {
    if (i < counts[0]!) {
      const u = users.at(i);
      rows[0]!.push(
        `${el('Path', '/')}${el('UserName', u.name)}${el('UserId', userId(i))}${el('Arn', `arn:aws:iam::${a.id}:user/${u.name}`)}${el('CreateDate', CREATED)}${node('GroupList', members(u.groups.map((g) => esc(g))))}${node('AttachedManagedPolicies', attached(u.policies))}<UserPolicyList/>`,
      );
    } else if (i < counts[0]! + counts[1]!) {
      const [name, arns] = groups[i - counts[0]!]!;
      rows[1]!.push(
        `${el('Path', '/')}${el('GroupName', name)}${el('GroupId', `AGPA${name.toUpperCase().padEnd(17, '0')}`)}${el('Arn', `arn:aws:iam::${a.id}:group/${name}`)}${el('CreateDate', CREATED)}${node('AttachedManagedPolicies', attached(arns))}<GroupPolicyList/>`,
      );
    } else {
      const [arn, doc] = policies[i - counts[0]! - counts[1]!]!;
      const version = `${el('Document', encodeURIComponent(JSON.stringify(doc)))}${el('VersionId', 'v1')}${el('IsDefaultVersion', true)}${el('CreateDate', CREATED)}`;
      rows[2]!.push(
        `${el('PolicyName', arn.slice(arn.lastIndexOf('/') + 1))}${el('PolicyId', `ANPA${String(i).padStart(17, '0')}`)}${el('Arn', arn)}${el('Path', '/')}${el('DefaultVersionId', 'v1')}${el('AttachmentCount', 1)}${el('IsAttachable', true)}${el('CreateDate', CREATED)}${el('UpdateDate', CREATED)}${node('PolicyVersionList', members([version]))}`,
      );
    }
  }
  return `${node('UserDetailList', members(rows[0]!))}${node('GroupDetailList', members(rows[1]!))}<RoleDetailList/>${node('Policies', members(rows[2]!))}${more}`;
}

export function virtualMfaDevices(a: AwsAccount, params: URLSearchParams): string {
  const devices: string[] = [];
  if (a.rootMfa === 'virtual') {
    devices.push(
      `${el('SerialNumber', `arn:aws:iam::${a.id}:mfa/root-account-mfa-device`)}${node('User', `${el('Path', '/')}${el('UserName', a.id)}${el('UserId', a.id)}${el('Arn', `arn:aws:iam::${a.id}:root`)}${el('CreateDate', CREATED)}`)}${el('EnableDate', CREATED)}`,
    );
  }
  const users = usersOf(a);
  if (Array.isArray(a.users)) {
    for (let i = 0; i < users.count; i++) {
      const u = users.at(i);
      for (const s of u.mfaDevices.filter((d) => d.includes(':mfa/'))) {
        devices.push(
          `${el('SerialNumber', s)}${node('User', `${el('Path', '/')}${el('UserName', u.name)}${el('UserId', userId(i))}${el('Arn', `arn:aws:iam::${a.id}:user/${u.name}`)}${el('CreateDate', CREATED)}`)}${el('EnableDate', CREATED)}`,
        );
      }
    }
  }
  const { start, end, more } = page(params, devices.length, 100);
  return `${node('VirtualMFADevices', members(devices.slice(start, end)))}${more}`;
}

export function mfaDevices(a: AwsAccount, params: URLSearchParams): string {
  const name = params.get('UserName');
  const users = usersOf(a);
  let found: AwsUser | undefined;
  for (let i = 0; i < users.count && !found; i++) if (users.at(i).name === name) found = users.at(i);
  if (!found) throw new AwsError(404, 'NoSuchEntity', `The user with name ${name} cannot be found.`);
  const devices = found.mfaDevices.map(
    (s) => `${el('UserName', found.name)}${el('SerialNumber', s)}${el('EnableDate', CREATED)}`,
  );
  return `${node('MFADevices', members(devices))}<IsTruncated>false</IsTruncated>`;
}
