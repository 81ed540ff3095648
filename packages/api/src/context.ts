import type { AnyConnector, EgressPolicy } from '@evident/connector-kit';
import type { ImportId, OrganizationId, RunId, TenantId } from '@evident/core';
import type { Store } from '@evident/db';

/** Where an assessment stands for one connection, as the run-progress subscription sends it. */
export interface ConnectionProgress {
  connectionId: string;
  phase: string;
  pages: number;
  facts: number;
  gaps: number;
  done: boolean;
}

export interface RunProgress {
  runId: RunId;
  status: 'running' | 'succeeded' | 'failed';
  connections: ConnectionProgress[];
}

/** The pipeline as the API sees it: start a tenant's assessment, follow its progress. Absent in read-only hosts. */
export interface Assessments {
  /**
   * Opens a run and enqueues it; `record` writes the caller's audit entry in the transaction that creates the run.
   * When the queue cannot be reached, throws `UnavailableError` promptly and leaves no run.
   */
  assessNow(org: OrganizationId, tenant: TenantId, record: (tx: Store, run: RunId) => Promise<unknown>): Promise<RunId>;
  /** As `assessNow`, evaluating the stored facts again without collecting: an exception takes effect at once. */
  reevaluate(
    org: OrganizationId,
    tenant: TenantId,
    record: (tx: Store, run: RunId) => Promise<unknown>,
  ): Promise<RunId>;
  progress(org: OrganizationId, run: RunId, signal: AbortSignal): AsyncIterable<RunProgress>;
}

/** One stored evidence pack of a tenant. */
export interface StoredPack {
  key: string;
  name: string;
  size: number;
  storedAt: Date;
}

/** Evidence packs as the API sees them: stored packs, export now, the export schedule. Absent when not configured. */
export interface EvidencePacks {
  list(org: OrganizationId, tenant: TenantId): Promise<StoredPack[]>;
  /** Enqueues the export job; returns its (deterministic) id. */
  exportNow(org: OrganizationId, tenant: TenantId): Promise<string>;
  /** Sets the tenant's export schedule, or with null removes it. */
  schedule(org: OrganizationId, tenant: TenantId, cron: { pattern: string; tz: string } | null): Promise<void>;
  /** The tenant's export schedule in force, or null. */
  currentSchedule(org: OrganizationId, tenant: TenantId): Promise<{ pattern: string; tz: string } | null>;
}

/** Alert deliveries as the API sees them: pending outbox rows handed to the delivery queue after their commit. */
export interface AlertQueue {
  /** Enqueues each row's delivery job (deterministic ids); a row left pending is also found by the worker's sweep. */
  enqueue(org: OrganizationId, rows: readonly { id: string; round: number }[]): Promise<void>;
}

/** The import pipeline as the API sees it: queue one import's job. Absent in hosts without a queue. */
export interface Imports {
  /** Enqueues the import's job (its id is the import's); throws `UnavailableError` when the queue is down. */
  enqueue(org: OrganizationId, importId: ImportId): Promise<string>;
}

export interface ApiLogger {
  info(data: Record<string, unknown>, message: string): void;
  warn(data: Record<string, unknown>, message: string): void;
  error(data: Record<string, unknown>, message: string): void;
}

export interface ApiDeps {
  store: Store;
  connectors: Record<string, AnyConnector>;
  assessments?: Assessments;
  /** Where connections may point besides the providers (EVIDENT_ALLOWED_ENDPOINTS); absent, no override is accepted. */
  egress?: EgressPolicy;
  packs?: EvidencePacks;
  /** Where test sends and retried dead letters are queued; absent, the worker's sweep picks them up after its grace. */
  alerts?: AlertQueue;
  imports?: Imports;
  logger: ApiLogger;
  /** Whether anyone may create an organization by signing up (a trial); off, only invitations add staff. */
  allowSignUp: boolean;
  sessions: { idleMs: number; absoluteMs: number };
  /** The TOTP issuer shown in authenticator apps. */
  issuer: string;
  /** The relying party passkeys are bound to, from `PUBLIC_ORIGIN`; absent, passkeys are off. */
  webauthn?: { origin: string; rpId: string; rpName: string };
  /** The browser-facing origin (`PUBLIC_ORIGIN`): Sign in with Microsoft redirects back to it; absent, it is off. */
  publicOrigin?: string;
  /** PEM of an extra CA the identity platform's certificate may chain to (a local simulator's). */
  ssoCaCert?: string;
  now(): Date;
}

/** What the host knows of the request; cookies and headers are read by the host, never by procedures. */
export interface RequestInfo {
  address: string | null;
  userAgent: string | null;
  sessionToken: string | null;
  shareToken: string | null;
  /** The short-lived cookie that binds a sign-in ceremony (passkey, OpenID Connect) to this browser. */
  flowToken?: string | null;
}

export interface ResponseControl {
  /** Sets (or with null clears) the session cookie; `maxAgeMs` is the absolute lifetime. */
  setSession(token: string | null, maxAgeMs: number): void;
  /** Sets (or with null clears) the ceremony cookie; hosts without one cannot run passwordless or SSO sign-in. */
  setFlow?(token: string | null, maxAgeMs: number): void;
}

export interface Context {
  deps: ApiDeps;
  req: RequestInfo;
  res: ResponseControl;
}

export const DEFAULT_SESSIONS = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
