import type { Fact, Provider } from '@evident/core';
import type { z } from 'zod';
import type { EgressPolicy } from './egress/policy.ts';
import type { LimiterOptions, RateLimiter } from './limiter.ts';

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface Progress {
  connection: string;
  /** What is being read now, e.g. `users`. */
  phase: string;
  pages: number;
  facts: number;
  gaps: number;
  /** Times the provider throttled us and we waited. */
  throttleWaits: number;
  waitedMs: number;
}

/** What a connection must be granted, shown to the user when connecting and checked by `check`. */
export interface PermissionSpec {
  name: string;
  kind: 'permission' | 'licence' | 'role';
  /** What it unlocks, in words. */
  why: string;
  /** Without it the connector still works, with gaps. */
  optional?: boolean;
}

export interface ConnectorContext<C, S> {
  /** The connection's id, or its name in a one-shot assessment; stamped on every fact. */
  connection: string;
  config: C;
  secret: S;
  signal: AbortSignal;
  logger: Logger;
  limiter: RateLimiter;
  /** Where endpoint overrides may point; client construction builds its HTTP agents from it. */
  egress: EgressPolicy;
  progress(update: Progress): void;
  now(): Date;
}

export interface CheckItem {
  name: string;
  kind: PermissionSpec['kind'];
  status: 'granted' | 'missing' | 'unknown';
  message: string;
}

export interface CheckResult {
  ok: boolean;
  items: CheckItem[];
}

export interface Connector<C, S, AC = unknown, AS = unknown> {
  kind: Provider;
  /** Validated before use; each connector documents its keys, `endpoints` included. */
  config: z.ZodType<C>;
  secret: z.ZodType<S>;
  permissions: PermissionSpec[];
  /**
   * What one connection asks of the provider at once unless the deployment says otherwise; unset, the limiter's
   * defaults. Graph and GitHub want per-tenant concurrency kept low; Google meters per minute, not in flight.
   */
  limits?: LimiterOptions;
  check(ctx: ConnectorContext<C, S>): Promise<CheckResult>;
  /** Facts and gaps, streamed page by page; never the whole account in memory. */
  collect(ctx: ConnectorContext<C, S>): AsyncIterable<Fact>;
  /** Present when one MSP-level account can serve many customers' connections. */
  account?: ProviderAccount<AC, AS>;
  /** Present when the provider keeps a trail of changes that can be read between assessments. */
  watch?: ChangeWatch<C, S>;
}

/** One change from the provider's own trail (directory audit, org audit log, Admin Activity log). */
export interface ChangeEvent {
  /** The provider's event id: overlapping reads are deduplicated by it. */
  id: string;
  /** When the provider says it happened, ISO 8601. */
  at: string;
  /** Who did it as the provider names them (UPN, login, principal e-mail), or null when it does not say. */
  actor: string | null;
  /** The provider's own action name, e.g. `Update conditional access policy`, `org.disable_two_factor_requirement`. */
  action: string;
  /** What it acted on, in words (a policy's display name, a sink's name), or null when the event does not say. */
  target: string | null;
}

export interface ChangeRead {
  /** Changes that can move a verdict, oldest first; may overlap the previous read (callers deduplicate by id). */
  events: ChangeEvent[];
  /** Where the next read starts; opaque to callers and stored per connection. */
  cursor: string;
  /** Events left out as malformed, hostile or of another tenant, each with why; they never stop the watcher. */
  skipped: { id: string | null; reason: string }[];
}

/**
 * Reads a connection's change trail from a cursor. A trail that cannot be read (permission, licence, plan) throws a
 * `ConnectorError` with that gap code; the scheduled assessments go on regardless.
 */
export interface ChangeWatch<C, S> {
  /** How late the provider's events can become readable; each read overlaps the cursor by this much. */
  lagMs: number;
  /** `cursor` null: the first read, which starts from now minus `lagMs` and reports no history. */
  read(ctx: ConnectorContext<C, S>, cursor: string | null): Promise<ChangeRead>;
}

/** One customer that an MSP-level provider account reaches, as the provider lists it. */
export interface DiscoveredCustomer {
  /** The provider's stable id (Entra tenant id, GitHub installation id, a GCP resource name): an import's key. */
  externalId: string;
  name: string;
  /** Domains, logins or resource names that match it to an existing tenant. */
  domains: string[];
  /**
   * What a connection to this customer sets over the account's own config and secret (shallow merge), e.g. Entra's
   * `{ config: { tenantId } }` or GitHub's `{ config: { org }, secret: { installationId } }`.
   */
  connection: { config: Record<string, unknown>; secret?: Record<string, unknown> };
  /** Whether the account can read it now (admin consent given, installation active), else why not. */
  reachable: { ok: true } | { ok: false; reason: string };
  /** What the MSP should know, in words: a relationship ending within 30 days, Global Administrator granted. */
  warnings: string[];
}

/**
 * An MSP-level account (a multi-tenant app, a GitHub App, a service account), sealed once and used by many
 * connections. A connection made from it runs with the account's config and secret merged with its own.
 */
export interface ProviderAccount<AC, AS> {
  config: z.ZodType<AC>;
  secret: z.ZodType<AS>;
  /** The customers the account can see, reachable or not. */
  discover(ctx: ConnectorContext<AC, AS>): Promise<DiscoveredCustomer[]>;
}

/** A connector with its config and secret types erased, for registries that hold several kinds. */
// biome-ignore lint/suspicious/noExplicitAny: the registry validates config and secret with the connector's own schemas
export type AnyConnector = Connector<any, any, any, any>;
