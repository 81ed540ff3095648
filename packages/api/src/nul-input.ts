/**
 * The path of the first string (or key) in an input that holds a NUL, which PostgreSQL text cannot store; null when
 * there is none. `''` is the input itself.
 */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at;
    const found = findNul(inner, at);
    if (found !== null) return found;
  }
  return null;
}
