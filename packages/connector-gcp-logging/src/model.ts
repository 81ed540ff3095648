import { z } from 'zod';

// The SDK's messages, narrowed to what the connector reads; enums arrive as names or numbers depending on transport.

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
const flag = z
  .boolean()
  .nullish()
  .transform((v) => v ?? false);

export const bucketSchema = z
  .object({
    name: z.string().regex(/^.+\/locations\/[^/]+\/buckets\/[^/]+$/),
    retentionDays: z.number().int().nullish(),
    locked: flag,
    lifecycleState: z.union([z.string(), z.number()]).nullish(),
  })
  .transform((b) => ({
    name: b.name,
    owner: b.name.slice(0, b.name.indexOf('/locations/')),
    id: b.name.slice(b.name.lastIndexOf('/') + 1),
    // Retention is at least one day; an unset field is not a fact about the bucket.
    retentionDays: b.retentionDays ? b.retentionDays : ('unknown' as const),
    locked: b.locked,
    deleted: b.lifecycleState === 'DELETE_REQUESTED' || b.lifecycleState === 2,
  }));

export const exclusionSchema = z.object({ name: text, filter: text, disabled: flag });

export const sinkSchema = z
  .object({
    name: z.string().min(1),
    destination: z.string().min(1),
    filter: text,
    disabled: flag,
    includeChildren: flag,
    /** Only with includeChildren: what it matches reaches no sink of the resources below but `_Required`. */
    interceptChildren: flag,
    exclusions: z.array(exclusionSchema).nullish(),
  })
  .transform((s) => ({
    ...s,
    interceptChildren: s.includeChildren && s.interceptChildren,
    exclusions: s.exclusions ?? [],
  }));

const LOG_TYPES = ['LOG_TYPE_UNSPECIFIED', 'ADMIN_READ', 'DATA_WRITE', 'DATA_READ'] as const;
const logType = z
  .union([z.enum(LOG_TYPES), z.number().int()])
  .nullish()
  .transform((v) => (typeof v === 'number' ? (LOG_TYPES[v] ?? 'LOG_TYPE_UNSPECIFIED') : (v ?? 'LOG_TYPE_UNSPECIFIED')));

export const auditConfigSchema = z.object({
  service: text,
  auditLogConfigs: z
    .array(
      z.object({
        logType,
        exemptedMembers: z
          .array(z.string())
          .nullish()
          .transform((v) => v ?? []),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
});

export const policySchema = z.object({
  auditConfigs: z
    .array(auditConfigSchema)
    .nullish()
    .transform((v) => v ?? []),
});

const seconds = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);

/** A log entry as `entries.list` returns it, narrowed to when it was written (int64 seconds arrive as text). */
export const entrySchema = z
  .object({ timestamp: z.object({ seconds, nanos: z.number().int().nullish() }) })
  .transform((e) => new Date(e.timestamp.seconds * 1000 + Math.floor((e.timestamp.nanos ?? 0) / 1e6)).toISOString());

/** A project or folder as Resource Manager returns it: its canonical name, its project id, and its parent. */
export const nodeSchema = z.object({
  name: z.string().min(1),
  projectId: z.string().nullish(),
  parent: text,
});

export type Bucket = z.output<typeof bucketSchema>;
export type Sink = z.output<typeof sinkSchema>;
export type Exclusion = z.output<typeof exclusionSchema>;
export type AuditConfig = z.output<typeof auditConfigSchema>;
export type HierarchyNode = z.output<typeof nodeSchema>;
