import { parseArgs } from 'node:util';
import type { OrganizationId } from '@evident/core';
import {
  anchorAuditHeads,
  checkAnchors,
  createDatabase,
  createStore,
  listOrganizationIds,
  type Store,
} from '@evident/db';
import { settings } from '../env.ts';
import { type Command, EXIT, type Io, UsageError } from '../io.ts';

async function verify(store: Store, orgs: OrganizationId[], anchors: string | undefined, io: Io): Promise<number> {
  let broken = 0;
  for (const org of orgs) {
    const chain = await store.verifyAuditChain(org);
    const anchored = chain.valid && anchors ? await checkAnchors(store, org, anchors) : undefined;
    const problem = !chain.valid ? chain : anchored && !anchored.ok ? anchored : undefined;
    if (problem) {
      broken++;
      await store.raiseAuditAlert(org, problem);
      io.err(`${org}: BROKEN at event ${problem.brokenAt}: ${problem.problem}\n`);
    } else io.out(`${org}: ok, ${chain.events} events${chain.valid && chain.head ? `, head ${chain.head}` : ''}\n`);
  }
  return broken === 0 ? EXIT.ok : EXIT.findings;
}

export const command: Command = {
  summary: 'verify the audit log (hash chain, HMAC, anchors) or anchor its heads outside the database',
  help: [
    'Usage: evident audit verify [--org ID] [--anchors FILE]',
    '       evident audit anchor --anchors FILE',
    '',
    'verify walks each organization’s chain (or only --org’s): numbering, hashes, and the HMAC of every entry',
    'under the key derived from EVIDENT_SECRET_KEY, or from the earlier key in EVIDENT_SECRET_KEYS_PREVIOUS that',
    'signed it (keep retired keys there for as long as their entries must verify). With --anchors, the',
    'last anchored head must still be in the chain. A broken chain is stored as an alert the dashboard shows, and',
    'the command exits 1. anchor appends every valid chain head to FILE (append-only; keep it off the database',
    'host). Runs as the database owner (DATABASE_URL).',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        org: { type: 'string' },
        anchors: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const [action] = positionals;
    if (action !== 'verify' && action !== 'anchor') throw new UsageError('expected `audit verify` or `audit anchor`');
    if (action === 'anchor' && !values.anchors) throw new UsageError('audit anchor needs --anchors FILE');
    const env = settings();
    const url = values.url ?? env.DATABASE_URL;
    if (!url) throw new UsageError('give --url or set DATABASE_URL');
    if (!env.EVIDENT_SECRET_KEY) throw new UsageError('set EVIDENT_SECRET_KEY: the audit HMAC key derives from it');
    const database = await createDatabase({ url });
    try {
      const store = createStore(database, {
        secrets: {
          current: { id: env.EVIDENT_SECRET_KEY_ID, key: env.EVIDENT_SECRET_KEY },
          previous: (env.EVIDENT_SECRET_KEYS_PREVIOUS ?? []).filter((k) => k.id !== env.EVIDENT_SECRET_KEY_ID),
        },
      });
      const orgs = values.org ? [values.org as OrganizationId] : await listOrganizationIds(database);
      if (action === 'verify') return await verify(store, orgs, values.anchors, io);
      const { anchored, broken } = await anchorAuditHeads(store, orgs, values.anchors!);
      io.out(`anchored ${anchored} chain heads in ${values.anchors}\n`);
      for (const org of broken) io.err(`${org}: BROKEN, not anchored; an alert was raised\n`);
      return broken.length === 0 ? EXIT.ok : EXIT.findings;
    } finally {
      await database.close();
    }
  },
};
