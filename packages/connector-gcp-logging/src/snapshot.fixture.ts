import { ConnectorError } from '@evident/connector-kit';
import type { GapCode } from '@evident/core';
import { type AuditConfig, auditConfigSchema, bucketSchema, exclusionSchema, sinkSchema } from './model.ts';
import { type Read, readKey, Snapshot } from './snapshot.ts';

/** Builds snapshots by hand, shaped as the SDK returns them, for tests of the pure routing and fact code. */

export const DEFAULT_FILTER = ['activity', 'system_event', 'access_transparency']
  .map((l) => `NOT LOG_ID("cloudaudit.googleapis.com/${l}")`)
  .join(' AND ');
const REQUIRED_FILTER = ['activity', 'system_event']
  .map((l) => `LOG_ID("cloudaudit.googleapis.com/${l}")`)
  .join(' OR ');

export interface SinkInput {
  name: string;
  destination: string;
  filter?: string;
  disabled?: boolean;
  includeChildren?: boolean;
  interceptChildren?: boolean;
  exclusions?: { name: string; filter: string; disabled?: boolean }[];
}

export interface NodeInput {
  parent?: string;
  sinks?: SinkInput[];
  /** Replaces the built-in `_Default` sink (or removes it with `null`). */
  defaultSink?: Partial<SinkInput> | null;
  /** What the exclusions API lists for the resource (the `_Default` sink's exclusions). */
  exclusions?: { name: string; filter: string; disabled?: boolean }[];
  buckets?: { id: string; retentionDays: number; locked?: boolean; location?: string; deleted?: boolean }[];
  defaultRetentionDays?: number;
  auditConfigs?: AuditConfig[];
}

export function failure(key: string, code: GapCode = 'permission_missing', permission?: string): Read<never> {
  const details = permission ? { permission } : {};
  return { ok: false, key, error: new ConnectorError(code, `${key} failed`, details) };
}

/** Adds a project, folder or organization with its built-in buckets and sinks. */
export function addNode(snapshot: Snapshot, name: string, input: NodeInput = {}): Snapshot {
  if (!name.startsWith('organizations/')) {
    snapshot.parents.set(name, { ok: true, key: readKey.parent(name), value: input.parent ?? '' });
  }
  const bucketName = (id: string, location = 'global') => `${name}/locations/${location}/buckets/${id}`;
  const builtIn: SinkInput[] = [
    { name: '_Required', destination: `logging.googleapis.com/${bucketName('_Required')}`, filter: REQUIRED_FILTER },
  ];
  if (input.defaultSink !== null) {
    builtIn.push({
      name: '_Default',
      destination: `logging.googleapis.com/${bucketName('_Default')}`,
      filter: DEFAULT_FILTER,
      ...input.defaultSink,
    });
  }
  const sinks = [...builtIn, ...(input.sinks ?? [])].map((s) => sinkSchema.parse(s));
  snapshot.sinks.set(name, { ok: true, key: readKey.sinks(name), value: sinks });
  const exclusions = (input.exclusions ?? []).map((e) => exclusionSchema.parse(e));
  snapshot.exclusions.set(name, { ok: true, key: readKey.exclusions(name), value: exclusions });
  const buckets = [
    { id: '_Default', retentionDays: input.defaultRetentionDays ?? 30 },
    { id: '_Required', retentionDays: 400, locked: true },
    ...(input.buckets ?? []),
  ].map((b) =>
    bucketSchema.parse({
      name: bucketName(b.id, 'location' in b ? b.location : undefined),
      retentionDays: b.retentionDays,
      locked: 'locked' in b ? b.locked : false,
      lifecycleState: 'deleted' in b && b.deleted ? 'DELETE_REQUESTED' : 'ACTIVE',
    }),
  );
  snapshot.buckets.set(name, { ok: true, key: readKey.buckets(name), value: buckets });
  const configs = (input.auditConfigs ?? []).map((c) => auditConfigSchema.parse(c));
  snapshot.policies.set(name, { ok: true, key: readKey.policy(name), value: configs });
  return snapshot;
}

export function snapshotOf(nodes: Record<string, NodeInput>): Snapshot {
  const snapshot = new Snapshot();
  for (const [name, input] of Object.entries(nodes)) addNode(snapshot, name, input);
  return snapshot;
}

export const allServices = (exemptedMembers: string[] = []): AuditConfig => ({
  service: 'allServices',
  auditLogConfigs: (['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'] as const).map((logType) => ({
    logType,
    exemptedMembers,
  })),
});
