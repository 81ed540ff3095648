import { TRPCClientError } from '@trpc/client';

/** Counts and refusals in words, the same on every page. */

const numberFormat = new Intl.NumberFormat();
export const num = (n: number) => numberFormat.format(n);

/** Whether a read failed because what it names does not exist: unknown, another organization's, or not an id at all. */
export function isNotFound(error: unknown, field = 'tenantId'): boolean {
  const code = (error as { data?: { code?: string } } | null)?.data?.code;
  if (code === 'NOT_FOUND') return true;
  return code === 'BAD_REQUEST' && issuesOf(error).some((i) => [i.path].flat().map(String).includes(field));
}

/** "1 gap", "2 gaps", "1,500 facts"; `many` when the plural is not the singular with an s. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

/** A refusal in words: the field it is about (by its label), or null for the whole request. */
export interface Problem {
  field: string | null;
  message: string;
}

interface ZodIssue {
  code?: string;
  path?: (string | number)[] | string;
  message?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  errors?: ZodIssue[][];
}

const NO_ANSWER = 'The server did not answer. Check your connection, then try again.';

/** What zod says by default, rewritten to follow the field's name. */
function words(issue: ZodIssue): string {
  const message = issue.message ?? '';
  const id = /^expected an id that starts with "(\w+)_"$/.exec(message);
  if (id) return `is not a valid identifier (${id[1]}_ followed by 26 letters and digits)`;
  const count = (n: number | bigint | undefined) => num(Number(n ?? 0));
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? 'is required' : `needs at least ${count(issue.minimum)} characters`;
      if (issue.origin === 'array') return `needs at least ${plural(Number(issue.minimum ?? 1), 'choice')}`;
      return `must be at least ${count(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${count(issue.maximum)} characters`;
      if (issue.origin === 'array') return `allows at most ${plural(Number(issue.maximum ?? 0), 'choice')}`;
      return `must be at most ${count(issue.maximum)}`;
    case 'invalid_type':
      return /received undefined/.test(message) ? 'is required' : 'is not the right kind of value';
    case 'invalid_value':
      return 'is not one of the choices offered';
    default:
      return 'is not valid';
  }
}

/** A union's branches that were not meant (keys it does not know, or fields it needs that are absent) say nothing. */
const meant = (issue: ZodIssue) =>
  issue.code !== 'unrecognized_keys' &&
  !(issue.code === 'invalid_type' && /received undefined/.test(issue.message ?? ''));

function flatten(issue: ZodIssue, prefix: (string | number)[]): { path: (string | number)[]; issue: ZodIssue }[] {
  const path = [...prefix, ...(Array.isArray(issue.path) ? issue.path : issue.path ? issue.path.split('.') : [])];
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    const branches = issue.errors.map((b) => b.filter(meant)).filter((b) => b.length > 0);
    const best = branches.sort((a, b) => a.length - b.length)[0];
    if (best) return best.flatMap((i) => flatten(i, path));
  }
  return [{ path, issue }];
}

function issuesOf(error: unknown): ZodIssue[] {
  const data = (error as { data?: { issues?: ZodIssue[] } } | null)?.data;
  if (data?.issues?.length) return data.issues;
  const message = error instanceof Error ? error.message.trim() : '';
  if (!message.startsWith('[')) return [];
  try {
    const parsed: unknown = JSON.parse(message);
    return Array.isArray(parsed) ? (parsed as ZodIssue[]) : [];
  } catch {
    return [];
  }
}

const sentence = (s: string) => (s ? `${s[0]?.toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}` : s);

/**
 * A tRPC or zod error as sentences, one per problem, each naming the field by the label the form shows
 * (`labels` maps a field's name in the request to that label).
 */
export function problems(error: unknown, labels: Record<string, string> = {}): Problem[] {
  if (!error) return [];
  if (error instanceof TypeError || (error instanceof TRPCClientError && !error.data && !error.shape))
    return [{ field: null, message: NO_ANSWER }];
  const issues = issuesOf(error).flatMap((i) => flatten(i, []));
  if (issues.length === 0) {
    const message = error instanceof Error ? error.message : '';
    return [{ field: null, message: sentence(message || 'That did not work. Try again.') }];
  }
  return issues.map(({ path, issue }) => {
    const names = path.map(String);
    const key = [names.join('.'), ...[...names].reverse()].find((n) => labels[n]);
    const label = key ? (labels[key] ?? key) : (names.at(-1) ?? null);
    // A message the schema wrote itself is already meant for people; zod's own defaults are rewritten.
    const own = !/^(Invalid|Too (small|big)|Required|expected an id)/.test(issue.message ?? '');
    const text = own ? (issue.message ?? '') : words(issue);
    return {
      field: label,
      message: !label ? sentence(text) : own ? `${label}: ${sentence(text)}` : sentence(`${label} ${text}`),
    };
  });
}

/** The problems of a refused request, each on its own line, announced when they appear. */
export function Problems({ error, labels }: { error: unknown; labels?: Record<string, string> }) {
  const list = problems(error, labels);
  if (list.length === 0) return null;
  return (
    <div className="form-error" role="alert">
      {list.length === 1 ? (
        <p>{list[0]?.message}</p>
      ) : (
        <ul>
          {list.map((p) => (
            <li key={`${p.field}-${p.message}`}>{p.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
