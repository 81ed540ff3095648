import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.ts';

describe('CSV export', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+1+2', `"'+1+2"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a cell a spreadsheet would run as a formula: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('leaves ordinary values alone, quoting quotes, and writes null as empty', () => {
    expect(csvCell('alice@contoso.example')).toBe('"alice@contoso.example"');
    expect(csvCell('a "b" c=d')).toBe('"a ""b"" c=d"');
    expect(csvCell(null)).toBe('""');
  });

  it('writes a header and one line per row, CRLF between them', () => {
    const csv = toCsv(['subject', 'why'] as const, [
      { subject: 'bob', why: 'no_mfa' },
      { subject: '=cmd', why: null },
    ]);
    expect(csv).toBe(`subject,why\r\n"bob","no_mfa"\r\n"'=cmd",""`);
  });
});
