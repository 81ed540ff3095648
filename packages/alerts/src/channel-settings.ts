import { classifyAddress, type EgressPolicy } from '@evident/connector-kit';
import { InvalidInputError } from '@evident/core';
import { z } from 'zod';

export const CHANNEL_KINDS = ['webhook', 'slack', 'teams', 'email', 'connectwise', 'autotask', 'halopsa'] as const;
export const PSA_KINDS = ['connectwise', 'autotask', 'halopsa'] as const;
export type PsaKind = (typeof PSA_KINDS)[number];
export const isPsaKind = (kind: string): kind is PsaKind => (PSA_KINDS as readonly string[]).includes(kind);
export const channelKind = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof channelKind>;

const url = z.url({ protocol: /^https?$/ }).max(2048);
const origin = url.describe('Base address of the PSA, scheme and host only, e.g. https://api-na.myconnectwise.net');
const closeOnRecovery = z
  .boolean()
  .default(true)
  .describe('When the control passes again, add a note and close the ticket (otherwise only add the note)');
const picklistId = (what: string) => z.number().int().positive().describe(what);

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
  connectwise: z.strictObject({
    site: origin,
    codebase: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/)
      .default('v4_6_release')
      .describe('The release path segment of the API, usually v4_6_release'),
    companyId: z.string().min(1).max(100).describe('The company id you sign in to ConnectWise PSA with'),
    publicKey: z.string().min(1).max(100).describe("The API member's public key"),
    boardId: picklistId('Service board the tickets are opened on'),
    closedStatusId: picklistId('Status a recovered ticket is moved to (a closed status of that board)'),
    closeOnRecovery,
  }),
  autotask: z.strictObject({
    zoneLookup: url
      .default('https://webservices.autotask.net/atservicesrest')
      .describe('Where the API zone of the user is looked up (ZoneInformation)'),
    userName: z.string().min(1).max(320).describe('The API-only user name (an e-mail address)'),
    queueId: picklistId('Queue the tickets are placed in').optional(),
    priority: picklistId('Ticket priority (picklist value)').default(2),
    newStatus: picklistId('Status of a new ticket (picklist value; 1 is New)').default(1),
    completeStatus: picklistId('Status of a closed ticket (picklist value; 5 is Complete)').default(5),
    closeOnRecovery,
  }),
  halopsa: z.strictObject({
    authServer: url.describe('Authorisation server, e.g. https://example.halopsa.com/auth'),
    resourceServer: origin.describe('Resource server, e.g. https://example.halopsa.com'),
    tenant: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .max(100)
      .optional()
      .describe('Tenant name of a hosted instance (sent as ?tenant= to the token endpoint)'),
    clientId: z.string().min(1).max(200).describe('Client id of the API application (client credentials)'),
    ticketTypeId: picklistId('Ticket type of a new ticket').optional(),
    closedStatusId: picklistId('Status of a closed ticket (9 is Closed)').default(9),
    closeOnRecovery,
  }),
} as const;

/** Sealed in the store, never returned. */
export const channelSecrets = {
  webhook: z.strictObject({ signingSecret: z.string().min(32).max(256) }),
  slack: z.strictObject({ url }),
  teams: z.strictObject({ url }),
  email: z.strictObject({ password: z.string().min(1).max(1024).optional() }),
  connectwise: z.strictObject({
    privateKey: z.string().min(1).max(200).describe("The API member's private key"),
    clientId: z.uuid().describe('The integration clientId issued by ConnectWise'),
  }),
  autotask: z.strictObject({
    integrationCode: z.string().min(1).max(200).describe('The API tracking identifier (ApiIntegrationCode)'),
    secret: z.string().min(1).max(200).describe("The API user's secret"),
  }),
  halopsa: z.strictObject({
    clientSecret: z.string().min(1).max(500).describe('Client secret of the API application'),
  }),
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
  for (const key of ['site', 'zoneLookup', 'authServer', 'resourceServer'] as const) {
    if (key in config) checkUrl(policy, `config.${key}`, (config as Record<typeof key, string>)[key]);
  }
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
