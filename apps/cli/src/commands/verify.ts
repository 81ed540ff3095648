import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { verifyPackFile } from '@evident/evidence';
import { type Jwks, jwks } from '@evident/evidence/verify';
import { type Command, EXIT, UsageError } from '../io.ts';

/** A JWKS, or one JWK, from a file or an http(s) URL (the organization's well-known keys). */
async function loadKeys(source: string): Promise<Jwks> {
  let text: string;
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new UsageError(`--key ${source} answered HTTP ${response.status}`);
    text = await response.text();
  } else
    text = await readFile(source, 'utf8').catch(() => Promise.reject(new UsageError(`--key ${source} cannot be read`)));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--key ${source} is not JSON`);
  }
  const set = jwks.safeParse(value);
  if (set.success) return set.data;
  const single = jwks.safeParse({ keys: [value] });
  if (single.success) return single.data;
  throw new UsageError(`--key ${source} is neither a JWK set nor a JWK`);
}

export const command: Command = {
  summary: 'check an evidence pack offline: every hash and the signature',
  help: [
    'Usage: evident verify PACK.zip [--key FILE|URL] [--format text|json]',
    '',
    'Reads the pack as unzip does (its central directory, then each entry by offset) and refuses a zip that another',
    'tool could read differently. Checks each file against the SHA-256 and size in the manifest, that no file is',
    "missing or added, and the manifest's Ed25519 signature. --key pins the organization's published keys (a JWK set or",
    'one JWK); without it the keys inside the pack are used, which proves integrity but not who signed.',
    'Exit 0 when everything holds, 1 when anything does not (each problem is named), 2 on a bad command line.',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError('give exactly one pack');
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format is text or json');
    const path = positionals[0]!;
    if (
      !(await stat(path).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      throw new UsageError(`${path} is not a file`);
    const options = values.key ? { trustedKeys: await loadKeys(values.key), keySource: values.key } : {};
    const report = await verifyPackFile(path, options);
    if (values.format === 'json') {
      const { manifest, ...rest } = report;
      io.out(
        `${JSON.stringify({ ...rest, tenant: manifest?.tenant, period: manifest?.period, generatedAt: manifest?.generatedAt }, null, 2)}\n`,
      );
    } else if (report.ok) {
      const m = report.manifest!;
      io.out(
        `${path}: verified\n  tenant ${m.tenant.name} (${m.tenant.id}) of ${m.organization.name}, ${m.period.from ? `${m.period.from} to ${m.period.to}` : `as of ${m.period.to}`}\n  ${m.files.length} files match the manifest; signed with key ${report.kid}\n`,
      );
      for (const note of report.notes) io.out(`  note: ${note}\n`);
    } else {
      io.out(`${path}: NOT verified\n${report.problems.map((p) => `  ${p}\n`).join('')}`);
      for (const note of report.notes) io.out(`  note: ${note}\n`);
    }
    return report.ok ? EXIT.ok : EXIT.findings;
  },
};
