const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Why a name is refused, or undefined for a plain relative path. Names are printable ASCII in folders split by `/`,
 * no segment empty or starting with a dot: then no two spellings extract to one path but by case, checked apart.
 */
export function nameProblem(raw: Uint8Array, name: string): string | undefined {
  if (raw.some((b) => b < 0x20 || b > 0x7e)) return 'has characters outside printable ASCII';
  if (/^([/\\]|[A-Za-z]:)/.test(name)) return 'is an absolute path';
  const segments = name.split(/[/\\]/);
  if (segments.includes('..')) return 'climbs out of the folder it is extracted into (..)';
  if (name.includes('\\') || !segments.every((s) => SEGMENT.test(s)))
    return "is not a plain relative path (empty, '.' or hidden segments, or a backslash)";
  return undefined;
}

/** Names that extract to one file: the same, or the same but for case (one overwrites the other on many systems). */
export function duplicateProblems(names: readonly string[]): string[] {
  const first = new Map<string, string>();
  const problems: string[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, name);
    else if (earlier === name) problems.push(`${shown(name)} appears more than once in the central directory`);
    else problems.push(`${shown(earlier)} and ${shown(name)} differ only in case`);
  }
  return problems;
}

/** A name as a problem shows it: quoted, with anything outside printable ASCII escaped so it cannot hide. */
export const shown = (name: string): string =>
  JSON.stringify(name).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
