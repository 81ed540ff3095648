import { type AnyConnector, checkEndpoints, NO_OVERRIDES, requiresSecretAgain } from '@evident/connector-kit';
import { InvalidInputError } from '@evident/core';
import type { ApiDeps } from '../context.ts';

const issuesOf = (error: { issues: { path: PropertyKey[]; message: string }[] }, prefix: string) =>
  error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));

export function connectorFor(deps: ApiDeps, kind: string): AnyConnector {
  const connector = deps.connectors[kind];
  if (!connector) throw new InvalidInputError(`there is no connector of kind ${kind}`);
  return connector;
}

/**
 * The one place a connection's configuration is accepted: the connector's own schema, then the deployment's
 * egress policy on where connections may point (endpoint overrides). Every create, update and check passes here.
 */
export function validateConnectionConfig(deps: ApiDeps, kind: string, config: unknown): Record<string, unknown> {
  const parsed = connectorFor(deps, kind).config.safeParse(config);
  if (!parsed.success)
    throw new InvalidInputError('the connection settings are not valid', issuesOf(parsed.error, 'config'));
  const value = parsed.data as Record<string, unknown>;
  checkEndpoints(deps.egress ?? NO_OVERRIDES, value.endpoints);
  return value;
}

export function validateSecret(deps: ApiDeps, kind: string, secret: unknown): unknown {
  const parsed = connectorFor(deps, kind).secret.safeParse(secret);
  if (!parsed.success) throw new InvalidInputError('the credentials are not valid', issuesOf(parsed.error, 'secret'));
  return parsed.data;
}

/** A stored credential is never sent to another endpoint or identity than the one it was given for. */
export function refuseStoredSecretElsewhere(kind: string, before: unknown, after: unknown): void {
  if (!requiresSecretAgain(kind, before, after)) return;
  throw new InvalidInputError('changing where a connection points or whom it reads as needs its credentials again', [
    {
      path: 'secret',
      message: 'enter the credentials again to change the endpoints, tenant, organization or resources',
    },
  ]);
}
