import { parseArgs } from 'node:util';
import { idSchema, type OrganizationId } from '@evident/core';
import { createDatabase, rotateSecrets, SecretDecryptionError, secretKey } from '@evident/db';
import { settings } from '../env.ts';
import { type Command, EXIT, UsageError } from '../io.ts';

export const command: Command = {
  summary: 're-seal every stored secret with the current key (EVIDENT_SECRET_KEY)',
  help: [
    'Usage: evident rotate-secrets [--url postgres://…|FOLDER] [--organization ORG_ID]',
    '',
    'Re-seals connection and TOTP secrets sealed with an earlier key under the current one. The current key is',
    'EVIDENT_SECRET_KEY (id EVIDENT_SECRET_KEY_ID); the earlier ones are EVIDENT_SECRET_KEYS_PREVIOUS, written',
    '`id:key,id:key`. To rotate: give every worker and server the new key as current and the old one as previous,',
    'run this (it can be interrupted and run again). Once it reports nothing left, the previous keys open no',
    'secret, but keep them listed for as long as the audit entries they signed must verify.',
    '',
    'Exit code: 0 done, 2 a key is missing or a secret does not open with the keys given (what was re-sealed stays).',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { url: { type: 'string' }, organization: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const env = settings();
    const url = values.url ?? env.DATABASE_URL;
    if (!url) throw new UsageError('give --url or set DATABASE_URL');
    if (!env.EVIDENT_SECRET_KEY)
      throw new UsageError('set EVIDENT_SECRET_KEY (and EVIDENT_SECRET_KEY_ID) to the new key');
    const current = secretKey.parse({ id: env.EVIDENT_SECRET_KEY_ID, key: env.EVIDENT_SECRET_KEY });
    const previous = (env.EVIDENT_SECRET_KEYS_PREVIOUS ?? []).filter((k) => k.id !== current.id);
    if (previous.length === 0) throw new UsageError('set EVIDENT_SECRET_KEYS_PREVIOUS to the keys to rotate from');
    const org = values.organization === undefined ? undefined : parseOrg(values.organization);
    const db = await createDatabase({ url });
    try {
      const report = await rotateSecrets(db, org, previous, current);
      io.out(
        `re-sealed ${report.connections} connection secret(s) and ${report.users} TOTP secret(s) with key ${current.id}\n`,
      );
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      io.err(
        `evident rotate-secrets: a secret sealed with key ${error.keyId} does not open with the keys given; ` +
          'add that key to EVIDENT_SECRET_KEYS_PREVIOUS and run again (what was re-sealed stays re-sealed)\n',
      );
      return EXIT.badInput;
    } finally {
      await db.close();
    }
  },
};

function parseOrg(value: string): OrganizationId {
  const parsed = idSchema('org').safeParse(value);
  if (!parsed.success) throw new UsageError(`--organization must be an organization id (org_…)`);
  return parsed.data as OrganizationId;
}
