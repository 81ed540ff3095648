/** One row of the IAM credential report, the fields Evident reads. */
export interface ReportRow {
  user: string;
  arn: string;
  passwordEnabled: boolean | 'unknown';
  passwordLastUsed: string | null | 'unknown';
  mfaActive: boolean | 'unknown';
  activeKeys: number;
}

export const ROOT_ROW = '<root_account>';

/** Splits one CSV line, honouring double quotes (IAM names may hold commas). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const bool = (v: string | undefined): boolean | 'unknown' => (v === 'true' ? true : v === 'false' ? false : 'unknown');

function when(v: string | undefined): string | null | 'unknown' {
  if (v === undefined || v === 'no_information') return 'unknown';
  if (v === 'N/A') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? 'unknown' : new Date(t).toISOString();
}

/** The credential report's CSV as rows; a report without the expected columns is refused, never guessed at. */
export function parseReport(csv: string): ReportRow[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const header = cells(lines[0] ?? '');
  const at = (name: string) => header.indexOf(name);
  const need = ['user', 'arn', 'password_enabled', 'mfa_active', 'access_key_1_active', 'access_key_2_active'];
  const missing = need.filter((n) => at(n) < 0);
  if (missing.length > 0) throw new Error(`the credential report lacks the columns ${missing.join(', ')}`);
  return lines.slice(1).map((line) => {
    const c = cells(line);
    const get = (name: string) => c[at(name)];
    return {
      user: get('user') ?? '',
      arn: get('arn') ?? '',
      passwordEnabled: bool(get('password_enabled')),
      passwordLastUsed: when(get('password_last_used')),
      mfaActive: bool(get('mfa_active')),
      activeKeys: (get('access_key_1_active') === 'true' ? 1 : 0) + (get('access_key_2_active') === 'true' ? 1 : 0),
    };
  });
}
