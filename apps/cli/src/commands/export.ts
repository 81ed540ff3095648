import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { idSchema, type OrganizationId } from '@evident/core';
import { createDatabase, createStore } from '@evident/db';
import { packKey, publishedKeys, streamPack } from '@evident/evidence';
import { settings } from '../env.ts';
import { type Command, EXIT, UsageError } from '../io.ts';
import { loadSecretKey } from '../up/key.ts';

const date = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} is not a date: ${value}`);
  return d;
};

/** `--out` names a .zip file, or a folder the pack is written into under its own name. */
async function target(out: string, name: string): Promise<string> {
  if (out.endsWith('.zip')) return resolve(out);
  const isDir = await stat(out).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) await mkdir(out, { recursive: true });
  return resolve(out, name);
}

export const command: Command = {
  summary: 'write a signed evidence pack of one tenant (DATABASE_URL, or --url)',
  help: [
    'Usage: evident export --org ORG_ID --tenant TENANT_ID [--from DATE] [--to DATE] [--out FILE.zip|FOLDER]',
    '                      [--brand NAME] [--jwks FILE] [--url postgres://…|FOLDER]',
    '',
    "Writes a zip of the tenant's results, identities, log sources and exceptions as CSV, an HTML and a PDF report and",
    "OSCAL assessment results, with a manifest of their SHA-256 hashes signed by the organization's Ed25519 key.",
    'Without --from: the latest assessment as of --to (default now). With --from: every assessment in the period.',
    "--jwks also writes the organization's public keys, to pin with `evident verify --key`.",
    'The secret key is read as `evident up` reads it (EVIDENT_SECRET_KEY, or the data folder).',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        org: { type: 'string' },
        tenant: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string', default: '.' },
        brand: { type: 'string' },
        jwks: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (!values.org || !values.tenant) throw new UsageError('give --org and --tenant');
    const org = idSchema('org').safeParse(values.org);
    const tenant = idSchema('ten').safeParse(values.tenant);
    if (!org.success || !tenant.success) throw new UsageError('--org takes an org_… id and --tenant a ten_… id');
    const env = settings();
    const url = values.url ?? env.DATABASE_URL;
    if (!url) throw new UsageError('give --url or set DATABASE_URL');
    const now = new Date();
    const request = {
      organizationId: org.data,
      tenantId: tenant.data,
      from: date(values.from, 'from'),
      to: date(values.to, 'to') ?? now,
      ...(values.brand ? { brand: { name: values.brand } } : {}),
    };
    const file = await target(values.out, basename(packKey(org.data, tenant.data, now.toISOString())));
    const database = await createDatabase({ url });
    const partial = `${file}.partial`;
    try {
      const key = await loadSecretKey(env.EVIDENT_DATA_DIR, {
        key: env.EVIDENT_SECRET_KEY,
        id: env.EVIDENT_SECRET_KEY_ID,
      });
      const previous = (env.EVIDENT_SECRET_KEYS_PREVIOUS ?? []).filter((k) => k.id !== key.id);
      const store = createStore(database, { secrets: { current: key, previous } });
      await mkdir(dirname(file), { recursive: true });
      const stream = createWriteStream(partial);
      const sink = {
        write: (chunk: Uint8Array) =>
          new Promise<void>((ok, fail) => stream.write(chunk, (error) => (error ? fail(error) : ok()))),
      };
      const written = await streamPack(store, request, sink, now).finally(
        () => new Promise<void>((ok) => stream.end(ok)),
      );
      await rename(partial, file);
      io.out(
        `${file}\n  ${written.manifest.assessments.length} assessment(s), ${written.manifest.files.length} files, manifest sha256 ${written.manifestSha256}\n`,
      );
      if (values.jwks) {
        await writeFile(
          values.jwks,
          `${JSON.stringify(await publishedKeys(store, org.data as OrganizationId), null, 2)}\n`,
        );
        io.out(`  public keys: ${join(values.jwks)}\n`);
      }
      return EXIT.ok;
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    } finally {
      await database.close();
    }
  },
};
