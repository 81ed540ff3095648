import { z } from 'zod';
import { provider } from './facts.ts';
import { idSchema } from './ids.ts';
import { isoDateTime } from './tri.ts';

/** One MSP using Evident; everything else belongs to exactly one organization. */
export const organization = z.object({
  id: idSchema('org'),
  name: z.string().min(1).max(200),
  createdAt: isoDateTime,
});

export const TENANT_KINDS = ['customer', 'internal'] as const;

/** A customer of the MSP, or the MSP's own estate. */
export const tenant = z.object({
  id: idSchema('ten'),
  organizationId: idSchema('org'),
  name: z.string().min(1).max(200),
  kind: z.enum(TENANT_KINDS),
  createdAt: isoDateTime,
});

export const CONNECTION_STATUSES = ['ok', 'needs_attention', 'disabled'] as const;

/** One provider account inside a tenant. Its secret lives encrypted in the store and never in this shape. */
export const connection = z.object({
  id: idSchema('con'),
  organizationId: idSchema('org'),
  tenantId: idSchema('ten'),
  kind: provider,
  name: z.string().min(1).max(200),
  config: z.record(z.string(), z.unknown()),
  status: z.enum(CONNECTION_STATUSES),
  statusReason: z.string().nullable(),
  createdAt: isoDateTime,
});

export const COLLECTION_STATUSES = ['succeeded', 'partial', 'failed'] as const;

/** One run of one connector against one connection. `partial` means it produced facts and gaps. */
export const collection = z.object({
  id: idSchema('col'),
  organizationId: idSchema('org'),
  connectionId: idSchema('con'),
  runId: idSchema('run'),
  status: z.enum(COLLECTION_STATUSES),
  startedAt: isoDateTime,
  finishedAt: isoDateTime,
  factCount: z.number().int().nonnegative(),
  gapCount: z.number().int().nonnegative(),
});

export type Organization = z.infer<typeof organization>;
export type Tenant = z.infer<typeof tenant>;
export type TenantKind = Tenant['kind'];
export type Connection = z.infer<typeof connection>;
export type ConnectionStatus = Connection['status'];
export type Collection = z.infer<typeof collection>;
