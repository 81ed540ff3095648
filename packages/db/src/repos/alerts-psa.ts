import { isPsaKind } from '@evident/alerts';
import { InvalidInputError, idSchema, type OrganizationId, type TenantId } from '@evident/core';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { alertChannels, alertPsaCompanies, alertPsaTickets } from '../schema/alerts.ts';
import { found, iso, isoOrNull, parseInput, type RepoContext } from './boundary.ts';
import { tenantsRepo } from './tenants.ts';

export interface AlertPsaCompany {
  channelId: string;
  tenantId: TenantId;
  companyId: string;
  companyName: string;
}

export interface AlertPsaTicket {
  channelId: string;
  ticketId: string;
  tenantId: TenantId;
  controlId: string;
  ref: string;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
}

const companyInput = z.strictObject({
  channelId: z.string().min(1),
  tenantId: idSchema('ten'),
  /** Checked against the PSA (`resolvePsaCompany`) before it comes here. */
  companyId: z.string().min(1).max(100),
  companyName: z.string().min(1).max(500),
});
const ticketInput = z.strictObject({
  channelId: z.string().min(1),
  tenantId: idSchema('ten'),
  controlId: z.string().min(1),
  ref: z.string().min(1).max(100),
  ticketId: z.string().min(1).max(100),
  action: z.enum(['opened', 'noted', 'closed']),
  at: z.date(),
});

/** Which PSA company stands for which tenant, and the tickets each PSA channel opened. */
export function alertPsaRepo(ctx: RepoContext) {
  const { db } = ctx;
  const tenants = tenantsRepo(ctx);
  const key = (org: OrganizationId, channelId: string, tenantId: TenantId) =>
    and(
      eq(alertPsaCompanies.organizationId, org),
      eq(alertPsaCompanies.channelId, channelId),
      eq(alertPsaCompanies.tenantId, tenantId),
    );
  const psaChannel = async (org: OrganizationId, id: string) => {
    const [row] = await db
      .select({ kind: alertChannels.kind })
      .from(alertChannels)
      .where(and(eq(alertChannels.organizationId, org), eq(alertChannels.id, id)));
    const c = found(row, 'alert channel', id);
    if (!isPsaKind(c.kind)) {
      throw new InvalidInputError(`alert channel ${id} is a ${c.kind} channel, not a PSA`, [
        { path: 'channelId', message: 'not a PSA channel' },
      ]);
    }
    return c;
  };

  return {
    /** Maps a tenant to its PSA company on one channel, replacing an earlier mapping. */
    async setAlertPsaCompany(org: OrganizationId, input: z.input<typeof companyInput>): Promise<AlertPsaCompany> {
      const v = parseInput(companyInput, input, 'PSA company');
      await psaChannel(org, v.channelId);
      await tenants.getTenant(org, v.tenantId);
      await db
        .insert(alertPsaCompanies)
        .values({ organizationId: org, ...v })
        .onConflictDoUpdate({
          target: [alertPsaCompanies.organizationId, alertPsaCompanies.channelId, alertPsaCompanies.tenantId],
          set: { companyId: v.companyId, companyName: v.companyName },
        });
      return v;
    },

    async removeAlertPsaCompany(org: OrganizationId, channelId: string, tenantId: TenantId): Promise<void> {
      await db.delete(alertPsaCompanies).where(key(org, channelId, tenantId));
    },

    async alertPsaCompany(org: OrganizationId, channelId: string, tenantId: TenantId): Promise<AlertPsaCompany | null> {
      const [row] = await db
        .select()
        .from(alertPsaCompanies)
        .where(key(org, channelId, tenantId));
      return row ? { channelId, tenantId, companyId: row.companyId, companyName: row.companyName } : null;
    },

    async listAlertPsaCompanies(org: OrganizationId, channelId: string): Promise<AlertPsaCompany[]> {
      const rows = await db
        .select()
        .from(alertPsaCompanies)
        .where(and(eq(alertPsaCompanies.organizationId, org), eq(alertPsaCompanies.channelId, channelId)))
        .orderBy(asc(alertPsaCompanies.tenantId));
      return rows.map((r) => ({ channelId, tenantId: r.tenantId, companyId: r.companyId, companyName: r.companyName }));
    },

    /** Records what a delivery did with a ticket; repeating the same record changes nothing but its time. */
    async recordAlertPsaTicket(org: OrganizationId, input: z.input<typeof ticketInput>): Promise<void> {
      const v = parseInput(ticketInput, input, 'PSA ticket');
      await psaChannel(org, v.channelId);
      const closedAt = v.action === 'closed' ? v.at : null;
      await db
        .insert(alertPsaTickets)
        .values({
          organizationId: org,
          channelId: v.channelId,
          ticketId: v.ticketId,
          tenantId: v.tenantId,
          controlId: v.controlId,
          ref: v.ref,
          openedAt: v.at,
          updatedAt: v.at,
          closedAt,
        })
        .onConflictDoUpdate({
          target: [alertPsaTickets.organizationId, alertPsaTickets.channelId, alertPsaTickets.ticketId],
          set: { updatedAt: v.at, closedAt },
        });
    },

    async listAlertPsaTickets(org: OrganizationId, filter: { tenantId?: TenantId } = {}): Promise<AlertPsaTicket[]> {
      const rows = await db
        .select()
        .from(alertPsaTickets)
        .where(
          and(
            eq(alertPsaTickets.organizationId, org),
            filter.tenantId ? eq(alertPsaTickets.tenantId, filter.tenantId) : undefined,
          ),
        )
        .orderBy(asc(alertPsaTickets.openedAt));
      return rows.map((r) => ({
        channelId: r.channelId,
        ticketId: r.ticketId,
        tenantId: r.tenantId,
        controlId: r.controlId,
        ref: r.ref,
        openedAt: iso(r.openedAt),
        updatedAt: iso(r.updatedAt),
        closedAt: isoOrNull(r.closedAt),
      }));
    },
  };
}
