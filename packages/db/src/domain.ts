import { CONTROL_STATUSES, collection, exception, idSchema, isoDateTime } from '@evident/core';
import { z } from 'zod';
import { STAFF_ROLES } from './schema/organizations.ts';
import { RUN_STATUSES, RUN_TRIGGERS } from './schema/runs.ts';

/** Shapes the store returns that `@evident/core` does not define yet. */

export const staffUser = z.object({
  id: idSchema('usr'),
  organizationId: idSchema('org'),
  email: z.string(),
  role: z.enum(STAFF_ROLES),
  hasPassword: z.boolean(),
  hasTotp: z.boolean(),
  createdAt: isoDateTime,
});
export type StaffUser = z.infer<typeof staffUser>;
export type StaffRole = StaffUser['role'];

export const assessmentRun = z.object({
  id: idSchema('run'),
  organizationId: idSchema('org'),
  tenantId: idSchema('ten'),
  trigger: z.enum(RUN_TRIGGERS),
  status: z.enum(RUN_STATUSES),
  startedAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
  error: z.string().nullable(),
});
export type AssessmentRun = z.infer<typeof assessmentRun>;
export type RunTrigger = AssessmentRun['trigger'];

export const storedCollection = collection.extend({ error: z.string().nullable() });
export type StoredCollection = z.infer<typeof storedCollection>;

export const storedException = exception.extend({
  id: idSchema('exc'),
  createdAt: isoDateTime,
  organizationId: idSchema('org'),
  tenantId: idSchema('ten'),
});
export type StoredException = z.infer<typeof storedException>;

export const driftEvent = z.object({
  organizationId: idSchema('org'),
  tenantId: idSchema('ten'),
  controlId: z.string(),
  runId: idSchema('run'),
  previousRunId: idSchema('run'),
  from: z.enum(CONTROL_STATUSES),
  to: z.enum(CONTROL_STATUSES),
  at: isoDateTime,
});
export type DriftEvent = z.infer<typeof driftEvent>;

export const resultHistoryEntry = z.object({
  runId: idSchema('run'),
  status: z.enum(CONTROL_STATUSES),
  coverage: z.object({ numerator: z.number().int(), denominator: z.number().int() }),
  reason: z.string(),
  factsAsOf: isoDateTime.nullable(),
  evaluatedAt: isoDateTime,
});
export type ResultHistoryEntry = z.infer<typeof resultHistoryEntry>;

export const auditEvent = z.object({
  organizationId: idSchema('org'),
  seq: z.number().int().positive(),
  at: isoDateTime,
  /** Who acted: a staff user id, `share:<id>`, `system`. */
  actor: z.string().min(1),
  /** What happened, `noun.verb`: `connection.create`, `share.access`. */
  action: z.string().min(1),
  target: z.string().nullable(),
  data: z.record(z.string(), z.json()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof auditEvent>;

export type AuditVerification =
  | { valid: true; events: number; head: string | null }
  | { valid: false; events: number; brokenAt: number; problem: string };
