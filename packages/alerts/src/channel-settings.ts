import { classifyAddress, type EgressPolicy } from '@evident/connector-kit';
import { InvalidInputError } from '@evident/core';
import { z } from 'zod';

export const CHANNEL_KINDS = ['webhook', 'slack', 'teams', 'email'] as const;
export const channelKind = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof channelKind>;

const url = z.url({ protocol: /^https?$/ }).max(2048);

/** What staff see of a channel. Slack and Teams URLs carry their token, so they are secrets. */
export const channelConfigs = {
  webhook: z.strictObject({ url }),
  slack: z.strictObject({}),
  teams: z.strictObject({}),
  email: z.strictObject({
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    /** TLS from the first byte (465); otherwise STARTTLS, required except towards an allowed loopback host. */
    secure: z.boolean(),
    username: z.string().min(1).max(320).optional(),
    from: z.email(),
    to: z.array(z.email()).min(1).max(50),
  }),
} as const;

/** Sealed in the store, never returned. */
export const channelSecrets = {
  webhook: z.strictObject({ signingSecret: z.string().min(32).max(256) }),
  slack: z.strictObject({ url }),
  teams: z.strictObject({ url }),
  email: z.strictObject({ password: z.string().min(1).max(1024).optional() }),
} as const;

export type ChannelConfig<K extends ChannelKind> = z.infer<(typeof channelConfigs)[K]>;
export type ChannelSecret<K extends ChannelKind> = z.infer<(typeof channelSecrets)[K]>;

export interface ChannelSettings<K extends ChannelKind = ChannelKind> {
  kind: K;
  config: ChannelConfig<K>;
  secret: ChannelSecret<K>;
}

const refuse = (path: string, message: string): never => {
  throw new InvalidInputError(`alert channel refused by the egress policy: ${message}`, [{ path, message }]);
};

const isLocalName = (host: string) => host === 'localhost' || host.endsWith('.localhost');
const bare = (host: string) => host.replace(/^\[|\]$/g, '');

/**
 * Where a channel may send: https to a public host; plain text or a non-public address only for a host:port the
 * deployment allows (a loopback simulator). Names are checked again at every connection (`egressDispatcher`).
 */
export function checkTarget(policy: EgressPolicy, path: string, host: string, port: number, tls: boolean): void {
  const h = host.toLowerCase();
  const listed = policy.allowed.has(`${h}:${port}`);
  const literal = z.union([z.ipv4(), z.ipv6()]).safeParse(bare(h)).success;
  const kind = literal ? classifyAddress(bare(h)) : isLocalName(h) ? 'loopback' : 'public';
  if (kind === 'link-local') refuse(path, `${h} is a link-local address`);
  if (kind !== 'public' && !listed) refuse(path, `${h}:${port} is a ${kind} address not in EVIDENT_ALLOWED_ENDPOINTS`);
  if (!tls && !(listed && kind === 'loopback')) refuse(path, `${h}:${port} must be reached over TLS`);
}

function checkUrl(policy: EgressPolicy, path: string, value: string): void {
  const u = new URL(value);
  if (u.username || u.password) refuse(path, 'user info is not allowed in a channel URL');
  const tls = u.protocol === 'https:';
  checkTarget(policy, path, u.hostname, Number(u.port || (tls ? 443 : 80)), tls);
}

/** Parses a channel's settings for its kind and checks every address it names against the egress policy. */
export function parseChannelSettings(
  policy: EgressPolicy,
  input: { kind: unknown; config: unknown; secret: unknown },
): ChannelSettings {
  const kind = parse(channelKind, input.kind, 'kind');
  const config = parse(channelConfigs[kind], input.config, 'config');
  const secret = parse(channelSecrets[kind], input.secret, 'secret');
  if ('url' in config) checkUrl(policy, 'config.url', config.url);
  if ('url' in secret) checkUrl(policy, 'secret.url', secret.url);
  if ('host' in config) checkTarget(policy, 'config.host', config.host, config.port, true);
  return { kind, config, secret } as ChannelSettings;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, path: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(
    `alert channel ${path} is not valid`,
    parsed.error.issues.map((i) => ({ path: [path, ...i.path].join('.'), message: i.message })),
  );
}
