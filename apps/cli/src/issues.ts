import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** For a union that matched no branch, the first branch's complaint says more than "Invalid input". */
function innermost(issue: Issue): Issue {
  if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.errors[0]!.length > 0) {
    const inner = issue.errors[0]![0]!;
    return innermost({ ...inner, path: [...issue.path, ...inner.path] });
  }
  return issue;
}

/** Zod issues as "path: message" phrases, the first few of them. */
export function describeIssues(issues: readonly Issue[], max = 3): string {
  const phrases = issues.slice(0, max).map((raw) => {
    const issue = innermost(raw);
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(value)';
    return `${path}: ${issue.message}`;
  });
  if (issues.length > max) phrases.push(`and ${issues.length - max} more`);
  return phrases.join('; ');
}
