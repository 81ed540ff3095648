/**
 * One RFC 4180 line: fields with a comma, quote or line break are quoted, quotes doubled. A text field a spreadsheet
 * would read as a formula (provider-supplied names are not ours to trust) is prefixed with `'` first (OWASP's advice).
 */
export function csvLine(fields: readonly (string | number | boolean | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

const FORMULA = /^[=+\-@\t\r]/;

function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' && FORMULA.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
