/**
 * One CSV cell, quoted. A value a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
 * return) gets a leading apostrophe, so a subject name such as `=HYPERLINK(...)` from a customer's directory stays text.
 */
export function csvCell(v: string | null): string {
  const text = v ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function toCsv<K extends string>(head: readonly K[], rows: readonly Record<K, string | null>[]): string {
  return [head.join(','), ...rows.map((r) => head.map((h) => csvCell(r[h])).join(','))].join('\r\n');
}
