import { githubConnector } from '@evident/connector-github';
import type { AnyConnector, ConnectorContext, DiscoveredCustomer } from '@evident/connector-kit';
import { z } from 'zod';

/**
 * Test registries until the connectors carry their own provider-account half: the real GitHub connector with a
 * GitHub App whose installations are listed in its settings, and an Entra-kind connector for admin consent.
 */
const installation = z.object({
  installationId: z.number().int().positive(),
  org: z.string().min(1),
  name: z.string().min(1),
  suspended: z.boolean().default(false),
});

export const githubWithAccount: AnyConnector = {
  ...githubConnector,
  account: {
    config: z.object({
      appId: z.number().int().positive(),
      endpoints: z.object({ api: z.url() }).optional(),
      installations: z.array(installation).default([]),
    }),
    secret: z.object({ kind: z.literal('app').default('app'), privateKey: z.string().min(1) }),
    async discover(ctx): Promise<DiscoveredCustomer[]> {
      ctx.signal.throwIfAborted();
      return (ctx.config as { installations: z.infer<typeof installation>[] }).installations.map((i) => ({
        externalId: String(i.installationId),
        name: i.name,
        domains: [i.org],
        connection: { config: { org: i.org }, secret: { installationId: i.installationId } },
        reachable: i.suspended ? { ok: false, reason: 'the installation is suspended' } : { ok: true },
        warnings: [],
      }));
    },
  },
};

/** An Entra-kind connector whose check records what it was run with (the consent flow's check is the subject). */
export function entraWithAccount() {
  const checked: ConnectorContext<Record<string, unknown>, Record<string, unknown>>[] = [];
  const connector: AnyConnector = {
    kind: 'entra',
    config: z.object({ tenantId: z.string().min(1), clientId: z.string().min(1), endpoints: z.unknown().optional() }),
    secret: z.object({ clientSecret: z.string().min(1) }),
    permissions: [],
    async check(ctx) {
      checked.push(ctx);
      return { ok: true, items: [] };
    },
    async *collect() {},
    account: {
      config: z.object({
        clientId: z.string().min(1),
        endpoints: z.object({ login: z.url() }).optional(),
      }),
      secret: z.object({ clientSecret: z.string().min(1) }),
      async discover() {
        return [];
      },
    },
  };
  return { connector, checked };
}
