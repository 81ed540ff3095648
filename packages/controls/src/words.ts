/** Small helpers for the sentences results are explained in. */

export function be(n: number): string {
  return n === 1 ? 'is' : 'are';
}

export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function percent(share: number): string {
  return `${Math.floor(share * 1000) / 10}%`;
}

export function quoted(name: string): string {
  return `'${name}'`;
}

/** Up to `max` items, then "and N more": keeps reasons readable when a list is long. */
export function listOf(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return capital.endsWith('.') ? capital : `${capital}.`;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export function ageWords(ms: number): string {
  if (ms >= 2 * DAY_MS) return `${Math.floor(ms / DAY_MS)} days`;
  return count(Math.floor(ms / HOUR_MS), 'hour', 'hours');
}
