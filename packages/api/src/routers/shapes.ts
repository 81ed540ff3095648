import { controlById } from '@evident/controls';
import { CONTROL_STATUSES, idSchema, isoDateTime } from '@evident/core';
import { type ResultSummary, STAFF_ROLES } from '@evident/db';
import { z } from 'zod';

/** Output shapes shared by several routers: what leaves the API, never a raw row. */

export const ok = z.object({ ok: z.literal(true) });
export const OK = { ok: true as const };

export const password = z.string().min(12, 'at least 12 characters').max(256);
export const email = z.email().max(320);
export const nextStep = z.object({ next: z.enum(['enrol', 'totp']) });

export const staffUserOut = z.object({
  id: idSchema('usr'),
  email: z.string(),
  role: z.enum(STAFF_ROLES),
  totpEnrolled: z.boolean(),
  disabled: z.boolean(),
  createdAt: isoDateTime,
});

export const toStaffUserOut = (u: {
  id: z.infer<typeof staffUserOut>['id'];
  email: string;
  role: (typeof STAFF_ROLES)[number];
  totpConfirmed: boolean;
  disabled: boolean;
  createdAt: string;
}): z.infer<typeof staffUserOut> => ({
  id: u.id,
  email: u.email,
  role: u.role,
  totpEnrolled: u.totpConfirmed,
  disabled: u.disabled,
  createdAt: u.createdAt,
});

export const statusOut = z.enum(CONTROL_STATUSES);
export const coverageOut = z.object({ numerator: z.number().int(), denominator: z.number().int() });

export const controlTitle = (id: string) => controlById(id)?.title ?? id;

/** A tenant's latest verdicts as the API shows them; `withEvidence: false` drops the evidence references. */
export const toResults = (rows: ResultSummary[], withEvidence = true) => ({
  runId: rows[0]?.runId ?? null,
  results: rows.map((r) => ({
    controlId: r.controlId,
    title: controlTitle(r.controlId),
    status: r.status,
    coverage: { numerator: r.numerator, denominator: r.denominator },
    reason: r.reason,
    failingCount: r.failingCount,
    exceptedCount: r.exceptedCount,
    evidence: withEvidence ? r.evidence : [],
    factsAsOf: r.factsAsOf,
    evaluatedAt: r.evaluatedAt,
  })),
});
