import { CONTROL_STATUSES, collection, exception, idSchema, isoDateTime } from '@evident/core';
import { z } from 'zod';
import { SUBJECT_KINDS } from './schema/evidence.ts';
import { STAFF_ROLES } from './schema/organizations.ts';
import { RUN_STATUSES, RUN_TRIGGERS } from './schema/runs.ts';
import { SHARE_SECTIONS } from './schema/shares.ts';

/** Shapes the store returns that `@evident/core` does not define yet. */

export const staffUser = z.object({
  id: idSchema('usr'),
  organizationId: idSchema('org'),
  email: z.string(),
  role: z.enum(STAFF_ROLES),
  hasPassword: z.boolean(),
  hasTotp: z.boolean(),
  /** A code from the enrolled secret was proven once; until then the user must finish enrolment. */
  totpConfirmed: z.boolean(),
  credentialsVersion: z.number().int().positive(),
  disabled: z.boolean(),
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
  /** Who asked for it, when another staff member approved it (four eyes). */
  requestedBy: z.string().min(1).optional(),
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

/** How a session's second factor was given: the product's own, or the identity provider's proven MFA. */
export const SECOND_FACTORS = ['totp', 'recovery_code', 'passkey', 'idp_mfa'] as const;
export type SecondFactor = (typeof SECOND_FACTORS)[number];

export const staffSession = z.object({
  idHash: z.string(),
  organizationId: idSchema('org'),
  userId: idSchema('usr'),
  /** Signed in: the second factor passed and nothing more is asked (a required passkey enrolled). */
  totpPassed: z.boolean(),
  secondFactor: z.enum(SECOND_FACTORS).nullable(),
  credentialsVersion: z.number().int(),
  address: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: isoDateTime,
  lastSeenAt: isoDateTime,
  expiresAt: isoDateTime,
  revokedAt: isoDateTime.nullable(),
});
export type StaffSession = z.infer<typeof staffSession>;

export const invitation = z.object({
  id: z.string(),
  organizationId: idSchema('org'),
  email: z.string(),
  role: z.enum(STAFF_ROLES),
  invitedBy: idSchema('usr'),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  acceptedAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
});
export type Invitation = z.infer<typeof invitation>;

export const share = z.object({
  id: idSchema('shr'),
  organizationId: idSchema('org'),
  tenantId: idSchema('ten'),
  label: z.string(),
  sections: z.array(z.enum(SHARE_SECTIONS)),
  createdBy: idSchema('usr'),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  revokedAt: isoDateTime.nullable(),
});
export type Share = z.infer<typeof share>;

export const shareAccess = z.object({
  shareId: idSchema('shr'),
  at: isoDateTime,
  address: z.string().nullable(),
  userAgent: z.string().nullable(),
  what: z.string(),
});
export type ShareAccess = z.infer<typeof shareAccess>;

export const branding = z.object({
  displayName: z.string(),
  logoUrl: z.string().nullable(),
  accentColor: z.string(),
});
export type Branding = z.infer<typeof branding>;

export const evidenceSubject = z.object({
  kind: z.enum(SUBJECT_KINDS),
  connection: z.string(),
  subject: z.string(),
  name: z.string().nullable(),
  detail: z.string(),
  approver: z.string().nullable(),
  expiresAt: isoDateTime.nullable(),
});
export type EvidenceSubject = z.infer<typeof evidenceSubject>;
