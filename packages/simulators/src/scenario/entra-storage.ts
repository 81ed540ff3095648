import { z } from 'zod';

const days = z.number().int().nonnegative();

/** The ages an action runs after (ARM's `DateAfterModification`, `DateAfterCreation`), api-version 2023-05-01. */
const after = z
  .object({
    daysAfterModificationGreaterThan: days.optional(),
    daysAfterCreationGreaterThan: days.optional(),
    daysAfterLastAccessTimeGreaterThan: days.optional(),
    daysAfterLastTierChangeGreaterThan: days.optional(),
  })
  .strict();

/** One lifecycle management rule exactly as `managementPolicies/default` carries it (`ManagementPolicyRule`). */
export const lifecycleRule = z
  .object({
    enabled: z.boolean().optional(),
    name: z.string().min(1),
    type: z.literal('Lifecycle'),
    definition: z
      .object({
        actions: z
          .object({
            baseBlob: z
              .object({
                delete: after.optional(),
                tierToCool: after.optional(),
                tierToCold: after.optional(),
                tierToHot: after.optional(),
                tierToArchive: after.optional(),
                enableAutoTierToHotFromCool: z.boolean().optional(),
              })
              .strict()
              .optional(),
            snapshot: z.record(z.string(), after).optional(),
            version: z.record(z.string(), after).optional(),
          })
          .strict(),
        filters: z
          .object({
            blobTypes: z.array(z.enum(['blockBlob', 'appendBlob'])).min(1),
            prefixMatch: z.array(z.string()).max(10).optional(),
            blobIndexMatch: z
              .array(z.object({ name: z.string(), op: z.literal('=='), value: z.string() }).strict())
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

/**
 * A storage destination's own settings. `lifecycleRules` absent: one rule deleting the audit and sign-in containers
 * after the setting's `retentionDays`; `[]`: no lifecycle policy at all. `immutability` is a time-based retention
 * policy on each log container (`container`) or the account's default under version-level immutability (`account`).
 */
export const entraStorage = z
  .object({
    lifecycleRules: z.array(lifecycleRule).optional(),
    immutability: z
      .object({
        scope: z.enum(['container', 'account']).default('container'),
        days: z.number().int().min(1).max(146_000),
        state: z.enum(['Locked', 'Unlocked']),
      })
      .strict()
      .optional(),
    /** Legal-hold tags on every log container (3–23 lowercase letters or digits). */
    legalHoldTags: z.array(z.string().regex(/^[a-z0-9]{3,23}$/)).default([]),
  })
  .strict();

export type LifecycleRule = z.infer<typeof lifecycleRule>;
export type EntraStorage = z.infer<typeof entraStorage>;
