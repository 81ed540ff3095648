/** AWS-managed policies that grant full control of the account, or of IAM (and so of everything). */
export const ADMIN_MANAGED = new Map([
  ['arn:aws:iam::aws:policy/AdministratorAccess', 'AdministratorAccess'],
  ['arn:aws:iam::aws:policy/IAMFullAccess', 'IAMFullAccess'],
]);

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/** A policy document's statements; IAM hands documents URL-encoded. A document that does not parse is `null`. */
export function statements(document: string | undefined): Statement[] | null {
  if (!document) return null;
  try {
    let text = document;
    if (text.startsWith('%7B') || text.startsWith('%7b')) text = decodeURIComponent(text);
    const parsed = JSON.parse(text) as { Statement?: Statement | Statement[] };
    const s = parsed.Statement;
    return Array.isArray(s) ? s : s ? [s] : [];
  } catch {
    return null;
  }
}

const everything = (actions: string[]) => actions.some((a) => a === '*' || a === '*:*' || a === 'iam:*');

/** An unconditional Allow of every action (or of all of IAM) on every resource. */
export function grantsAdmin(s: Statement[]): boolean {
  return s.some(
    (x) =>
      x.Effect === 'Allow' && x.Condition === undefined && everything(list(x.Action)) && list(x.Resource).includes('*'),
  );
}

function mfaAbsent(condition: Statement['Condition']): boolean {
  // `Bool` lets long-term access keys through (they carry no MFA key at all): only BoolIfExists denies them too.
  const c = condition?.BoolIfExists;
  if (!c) return false;
  return Object.entries(c).some(
    ([key, value]) =>
      key.toLowerCase() === 'aws:multifactorauthpresent' && list(value).some((v) => v.toLowerCase() === 'false'),
  );
}

/**
 * A Deny of everything (Action `*`, or NotAction listing only the MFA self-service calls) on every resource while
 * MFA is absent: what AWS documents for forcing IAM users through MFA. Only such a statement enforces.
 */
export function deniesWithoutMfa(s: Statement[]): boolean {
  return s.some((x) => {
    if (x.Effect !== 'Deny' || !list(x.Resource).includes('*') || !mfaAbsent(x.Condition)) return false;
    const others = Object.keys(x.Condition ?? {}).filter((k) => k !== 'BoolIfExists');
    if (others.length > 0) return false;
    if (x.Action !== undefined) return everything(list(x.Action)) && list(x.Action).includes('*');
    const exempt = list(x.NotAction);
    return (
      exempt.length > 0 &&
      exempt.every((a) =>
        /^(iam:(\w*MFA\w*|ChangePassword|GetUser|ListUsers|GetAccountPasswordPolicy|ListAccountAliases)|sts:GetSessionToken)$/.test(
          a,
        ),
      )
    );
  });
}
