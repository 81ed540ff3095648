import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { OrganizationId } from '@evident/core';
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { canonicalJson } from '../canonical-json.ts';
import { type AuditEvent, type AuditVerification, auditEvent } from '../domain.ts';
import { auditAlerts, auditEvents } from '../schema/audit.ts';
import { organizations } from '../schema/organizations.ts';
import { auditMac } from './audit-mac.ts';
import { found, iso, parseInput, type RepoContext } from './boundary.ts';

type Row = typeof auditEvents.$inferSelect;

/** The `prev_hash` of an organization's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export const rowToAuditEvent = (row: Row): AuditEvent => auditEvent.parse({ ...row, at: iso(row.at) });

/** `sha256(prev_hash || canonical json)` over everything the event says, including where it sits in the chain. */
export function auditHash(
  prevHash: string,
  event: Pick<AuditEvent, 'organizationId' | 'seq' | 'at' | 'actor' | 'action' | 'target'> & { data: unknown },
): string {
  const { organizationId, seq, at, actor, action, target, data } = event;
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ organizationId, seq, at, actor, action, target, data }))
    .digest('hex');
}

const appendInput = auditEvent.pick({ actor: true, action: true }).extend({
  target: z.string().min(1).nullable().default(null),
  data: auditEvent.shape.data.default({}),
});
export type AppendAuditInput = z.input<typeof appendInput>;

const PAGE = 1_000;

export interface AuditAlert {
  id: string;
  organizationId: OrganizationId;
  raisedAt: string;
  brokenAt: number;
  problem: string;
}

const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function auditRepo({ db, keyring }: RepoContext) {
  const page = (org: OrganizationId, after: number, limit: number) =>
    db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org), gt(auditEvents.seq, after)))
      .orderBy(asc(auditEvents.seq))
      .limit(limit);

  return {
    /** Appends one event; appends of one organization are serialised on its row, so the chain never forks. */
    async appendAudit(org: OrganizationId, input: AppendAuditInput): Promise<AuditEvent> {
      const values = parseInput(appendInput, input, 'audit event');
      return db.transaction(async (tx) => {
        const [owner] = await tx
          .select({ id: organizations.id })
          .from(organizations)
          .where(eq(organizations.id, org))
          .for('no key update');
        found(owner, 'organization', org);
        const [last] = await tx
          .select({ seq: auditEvents.seq, hash: auditEvents.hash })
          .from(auditEvents)
          .where(eq(auditEvents.organizationId, org))
          .orderBy(desc(auditEvents.seq))
          .limit(1);
        const at = new Date();
        const event = { organizationId: org, seq: (last?.seq ?? 0) + 1, at: iso(at), ...values };
        const prevHash = last?.hash ?? GENESIS_HASH;
        const hash = auditHash(prevHash, event);
        const macKeyId = keyring.currentId;
        const mac = auditMac(keyring, macKeyId, hash);
        const [row] = await tx
          .insert(auditEvents)
          .values({ ...event, at, prevHash, hash, mac, macKeyId })
          .returning();
        return rowToAuditEvent(row!);
      });
    },

    /** Records a broken chain where the dashboard and `evident audit verify` show it. */
    async raiseAuditAlert(org: OrganizationId, broken: { brokenAt: number; problem: string }): Promise<AuditAlert> {
      const [row] = await db
        .insert(auditAlerts)
        .values({
          id: `alert_${randomUUID()}`,
          organizationId: org,
          brokenAt: broken.brokenAt,
          problem: broken.problem,
        })
        .returning();
      return { ...row!, raisedAt: iso(row!.raisedAt) };
    },

    async listAuditAlerts(org: OrganizationId): Promise<AuditAlert[]> {
      const rows = await db
        .select()
        .from(auditAlerts)
        .where(eq(auditAlerts.organizationId, org))
        .orderBy(desc(auditAlerts.raisedAt));
      return rows.map((r) => ({ ...r, raisedAt: iso(r.raisedAt) }));
    },

    /** Events in order; `afterSeq` pages forward. */
    async listAudit(org: OrganizationId, options: { afterSeq?: number; limit?: number } = {}): Promise<AuditEvent[]> {
      const limit = parseInput(z.number().int().min(1).max(PAGE).default(100), options.limit, 'limit');
      const rows = await page(org, options.afterSeq ?? 0, limit);
      return rows.map(rowToAuditEvent);
    },

    /**
     * Walks the organization's chain from its first event: numbering without holes, each `prev_hash` equal to the
     * hash before it, each hash equal to the one recomputed from the row. The first break is reported.
     */
    async verifyAuditChain(org: OrganizationId): Promise<AuditVerification> {
      let prev = GENESIS_HASH;
      let events = 0;
      for (;;) {
        const rows = await page(org, events, PAGE);
        for (const row of rows) {
          const seq = events + 1;
          const broken = (problem: string): AuditVerification => ({ valid: false, events, brokenAt: seq, problem });
          if (row.seq !== seq) return broken(`event ${seq} is missing (the next is ${row.seq})`);
          if (row.prevHash !== prev) return broken(`event ${seq} does not follow the hash of the event before it`);
          const event = { ...row, at: iso(row.at) };
          if (auditHash(row.prevHash, event) !== row.hash) return broken(`event ${seq} does not match its hash`);
          if (!row.mac || !row.macKeyId) return broken(`event ${seq} carries no HMAC`);
          const expected = auditMac(keyring, row.macKeyId, row.hash);
          if (!expected) return broken(`event ${seq} was signed with key ${row.macKeyId}, which is not configured`);
          if (!safeEqual(expected, row.mac)) return broken(`event ${seq} does not match its HMAC`);
          prev = row.hash;
          events = seq;
        }
        if (rows.length < PAGE) return { valid: true, events, head: events === 0 ? null : prev };
      }
    },
  };
}
