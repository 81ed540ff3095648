import { generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { type GrpcFailure, grpcFailure } from './errors.ts';
import type { AccessTokens } from './token.ts';

/** A service-account JSON key as Google issues it, for the one account the simulator knows. */
export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
}

export interface SimulatedAccount {
  key: ServiceAccountKey;
  publicKey: KeyObject;
}

/** A fresh key pair per simulator: only the key it hands out (`connections`) signs what it accepts. */
export function simulatedAccount(): SimulatedAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey,
    key: {
      type: 'service_account',
      project_id: 'evident-msp',
      private_key_id: 'simulator',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: 'evident-reader@evident-msp.iam.gserviceaccount.com',
    },
  };
}

const INVALID =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid ' +
  'authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

const json = (part: string | undefined): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(Buffer.from(part ?? '', 'base64url').toString());
  } catch {
    return undefined;
  }
};

/**
 * Google's answer to a bearer credential: none when it is an access token the token endpoint issued and still live,
 * or a live JWT the account's key signed (a self-signed JWT, as Google's client libraries can send for a service
 * account), else UNAUTHENTICATED. A call with no credential at all is
 * served, as the simulators' own pass-through clients send none.
 */
export function refusal(
  authorization: string | undefined,
  account: SimulatedAccount,
  nowMs: number,
  accessTokens?: AccessTokens,
): GrpcFailure | undefined {
  if (authorization === undefined) return undefined;
  const token = /^Bearer (.+)$/.exec(authorization)?.[1] ?? '';
  if (accessTokens?.live(token, nowMs)) return undefined;
  const [header, payload, signature] = token.split('.');
  const claims = json(payload);
  const signed =
    json(header)?.alg === 'RS256' &&
    signature !== undefined &&
    verify('sha256', Buffer.from(`${header}.${payload}`), account.publicKey, Buffer.from(signature, 'base64url'));
  const live = typeof claims?.exp === 'number' && claims.exp * 1000 > nowMs;
  if (signed && live && claims?.iss === account.key.client_email) return undefined;
  return grpcFailure(status.UNAUTHENTICATED, INVALID);
}
