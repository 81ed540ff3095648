import {
  CHANNEL_KINDS,
  type ChannelKind,
  type ChannelSettings,
  channelConfigs,
  channelKind,
  channelSecrets,
  parseChannelSettings,
} from '@evident/alerts';
import { NO_OVERRIDES } from '@evident/connector-kit';
import { InvalidInputError, type OrganizationId } from '@evident/core';
import type { AlertChannel, CreateAlertChannelInput } from '@evident/db';
import { z } from 'zod';
import type { ApiDeps } from '../context.ts';

type Json = Record<string, unknown>;
type StoredJson = CreateAlertChannelInput['config'];

/** Settings and secrets come out of their kind's zod schema, which admits JSON values only. */
export const asStoredJson = (value: object): StoredJson => value as StoredJson;

const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;

/** Every channel kind the alerts package knows, with JSON Schemas of its settings and its write-only secret. */
export const channelKinds = () =>
  CHANNEL_KINDS.map((kind) => ({
    kind,
    configSchema: schemaOf(channelConfigs[kind]),
    secretSchema: schemaOf(channelSecrets[kind]),
  }));

export const parseKind = (kind: unknown): ChannelKind => {
  const parsed = channelKind.safeParse(kind);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(`there is no alert channel of kind ${String(kind)}`, [
    { path: 'kind', message: `one of ${CHANNEL_KINDS.join(', ')}` },
  ]);
};

/** The one place a channel's settings are accepted: its kind's schemas, then the deployment's egress policy. */
export const validateChannel = (deps: ApiDeps, kind: ChannelKind, config: unknown, secret: unknown): ChannelSettings =>
  parseChannelSettings(deps.egress ?? NO_OVERRIDES, { kind, config, secret });

const ADDRESS_KEY = /url|host|port|secure|endpoint|site|server|domain|origin/i;

/** The parts of a channel's settings that say where it sends: any address-like key, any value that is a URL. */
function destination(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => destination(v));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, destination(v, k)])
        .filter(([, v]) => v !== undefined),
    );
  if (ADDRESS_KEY.test(key) || (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value))) return value;
  return undefined;
}

/** A stored secret (a signing key, a token, a password) is never sent to another place than the one it was given for. */
export function refuseStoredSecretElsewhere(before: Json, after: Json): void {
  if (JSON.stringify(destination(before)) === JSON.stringify(destination(after))) return;
  throw new InvalidInputError('changing where a channel sends needs its credentials again', [
    { path: 'secret', message: 'enter the secret again to change the address, host or port' },
  ]);
}

export interface ChannelChange {
  name?: string | undefined;
  config?: Json | undefined;
  secret?: Json | undefined;
}

/**
 * Checks a change to a stored channel before anything is written: new settings with the stored secret only when
 * they send to the same place; whatever is kept is checked again under today's egress policy.
 */
export async function checkChannelChange(
  deps: ApiDeps,
  org: OrganizationId,
  current: AlertChannel,
  change: ChannelChange,
): Promise<{ name?: string; config?: StoredJson; secret?: StoredJson }> {
  if (change.config === undefined && change.secret === undefined) return change.name ? { name: change.name } : {};
  if (change.config !== undefined && change.secret === undefined)
    refuseStoredSecretElsewhere(current.config, change.config);
  const secret = change.secret ?? (await deps.store.readAlertChannel(org, current.id)).secret;
  const settings = validateChannel(deps, current.kind, change.config ?? current.config, secret);
  return {
    ...(change.name ? { name: change.name } : {}),
    ...(change.config !== undefined ? { config: asStoredJson(settings.config) } : {}),
    ...(change.secret !== undefined ? { secret: asStoredJson(settings.secret) } : {}),
  };
}

/** What leaves the API of a channel: its settings, never its secret. */
export const toChannelOut = (c: AlertChannel) => ({
  id: c.id,
  kind: c.kind,
  name: c.name,
  config: c.config,
  createdAt: c.createdAt,
});
