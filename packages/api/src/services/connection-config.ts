import {
  type AnyConnector,
  changedCredentialBound,
  checkEndpoints,
  type EgressPolicy,
  NO_OVERRIDES,
  requiresSecretAgain,
} from '@evident/connector-kit';
import { InvalidInputError } from '@evident/core';
import type { z } from 'zod';
import type { ApiDeps } from '../context.ts';

const FORMATS: Record<string, string> = {
  url: 'must be a web address such as https://example.com',
  email: 'must be an e-mail address',
  regex: 'is not in the expected form',
};

/** zod's issues in words a person reads beside the field; a message the schema words itself is kept. */
const inWords: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined || issue.input === null || issue.input === '') return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' || issue.expected === 'int' ? 'must be a whole number' : 'has the wrong form';
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${issue.minimum} entries` : 'is too short';
    case 'too_big':
      return 'is too long';
    case 'invalid_format':
      return FORMATS[issue.format] ?? 'is not in the expected form';
    case 'invalid_union':
    case 'invalid_value':
      return 'is not one of the choices offered';
    case 'unrecognized_keys':
      return `has settings this connector does not know: ${issue.keys.join(', ')}`;
    default:
      return undefined;
  }
};

const issuesOf = (error: z.ZodError, prefix: string) =>
  error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));

export function connectorFor(deps: ApiDeps, kind: string): AnyConnector {
  const connector = deps.connectors[kind];
  if (!connector) throw new InvalidInputError(`there is no connector of kind ${kind}`);
  return connector;
}

/** Plain text without credentials is only for a simulator the deployment lists; say so before anything else. */
function refuseInsecureWithoutSimulators(policy: EgressPolicy, endpoints: unknown): void {
  const insecure = (endpoints as { insecure?: unknown } | undefined)?.insecure === true;
  if (!insecure || policy.allowed.size > 0) return;
  throw new InvalidInputError('plain text without credentials is only for a local simulator', [
    {
      path: 'config.endpoints.insecure',
      message:
        'is only for a local simulator this deployment allows (EVIDENT_ALLOWED_ENDPOINTS is not set): turn it off and give the service account key',
    },
  ]);
}

/**
 * The one place a connection's configuration is accepted: the connector's own schema, then the deployment's
 * egress policy on where connections may point (endpoint overrides). Every create, update and check passes here.
 */
export function validateConnectionConfig(deps: ApiDeps, kind: string, config: unknown): Record<string, unknown> {
  const policy = deps.egress ?? NO_OVERRIDES;
  refuseInsecureWithoutSimulators(policy, (config as { endpoints?: unknown } | null)?.endpoints);
  const parsed = connectorFor(deps, kind).config.safeParse(config, { error: inWords });
  if (!parsed.success)
    throw new InvalidInputError('the connection settings are not valid', issuesOf(parsed.error, 'config'));
  const value = parsed.data as Record<string, unknown>;
  checkEndpoints(policy, value.endpoints);
  return value;
}

export function validateSecret(deps: ApiDeps, kind: string, secret: unknown): unknown {
  const parsed = connectorFor(deps, kind).secret.safeParse(secret, { error: inWords });
  if (!parsed.success) throw new InvalidInputError('the credentials are not valid', issuesOf(parsed.error, 'secret'));
  return parsed.data;
}

/** A stored credential is never sent to another endpoint or identity than the one it was given for. */
export function refuseStoredSecretElsewhere(kind: string, before: unknown, after: unknown): void {
  if (!requiresSecretAgain(kind, before, after)) return;
  const changed = changedCredentialBound(kind, before, after);
  throw new InvalidInputError('changing where a connection points or whom it reads as needs its credentials again', [
    ...changed.map((key) => ({ path: `config.${key}`, message: 'changed: the stored credentials are bound to it' })),
    { path: 'secret', message: 'enter the credentials again to make this change' },
  ]);
}
