import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, verify } from 'node:crypto';
import { below } from '../rng.ts';
import type { GithubWorld } from '../scenario/schema.ts';
import { DOCS, githubError, type Reply } from './reply.ts';

/** The GitHub App the simulated MSP installs in each customer org: one id and key pair per simulator. */
export interface GithubApp {
  id: number;
  /** PKCS#8 PEM, as the App's settings page hands it out (Octokit accepts PKCS#1 and PKCS#8). */
  privateKey: string;
  publicKey: KeyObject;
}

export function createGithubApp(seed: number): GithubApp {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { id: 100_000 + below(900_000, seed, 'github', 'app'), privateKey: pem, publicKey: createPublicKey(pem) };
}

/** The id of the App's installation on an org. */
export function installationId(world: Pick<GithubWorld, 'org'>, seed: number): number {
  return 10_000_000 + below(80_000_000, seed, 'github', world.org.toLowerCase(), 'installation');
}

/** Installation tokens live an hour, as GitHub's do. */
export const INSTALLATION_TOKEN_MS = 3_600_000;
/** GitHub refuses a JWT that expires more than ten minutes after it was issued. */
const MAX_JWT_SECONDS = 600;

const decode = (part: string | undefined): Record<string, unknown> | undefined => {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Checks the App's JWT the way GitHub does (RS256 under the App's key, `iss` the App id, at most ten minutes of
 * life, not expired by the server's clock) and answers with GitHub's 401 messages, which Octokit's time-skew
 * recovery reads.
 */
export function verifyAppJwt(authorization: string | undefined, app: GithubApp, nowMs: number): Reply | undefined {
  const jwt = /^bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const parts = jwt?.split('.') ?? [];
  const [header, payload] = [decode(parts[0]), decode(parts[1])];
  const undecodable = githubError(401, 'A JSON web token could not be decoded', DOCS.rest);
  if (!jwt || parts.length !== 3 || header?.alg !== 'RS256' || !payload) return undecodable;
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    app.publicKey,
    Buffer.from(parts[2]!, 'base64url'),
  );
  if (!signed || String(payload.iss) !== String(app.id)) return undecodable;
  const now = Math.floor(nowMs / 1000);
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || iat > now + 60) {
    return githubError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
    );
  }
  if (typeof exp !== 'number' || exp <= now) {
    return githubError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    );
  }
  if (exp - iat > MAX_JWT_SECONDS) return githubError(401, "'Expiration time' claim ('exp') is too far in the future.");
  return undefined;
}

export interface InstallationToken {
  token: string;
  org: string;
  expiresAt: number;
  permissions: Record<string, 'read' | 'write'>;
}

/** The installation tokens issued so far; an expired one is refused like any unknown token. */
export class InstallationTokens {
  private readonly issued = new Map<string, InstallationToken>();

  issue(org: string, permissions: InstallationToken['permissions'], nowMs: number): InstallationToken {
    const token: InstallationToken = {
      token: `ghs_${randomBytes(18).toString('base64url')}`,
      org,
      expiresAt: nowMs + INSTALLATION_TOKEN_MS,
      permissions,
    };
    this.issued.set(token.token, token);
    return token;
  }

  valid(token: string, nowMs: number): InstallationToken | undefined {
    const found = this.issued.get(token);
    return found && found.expiresAt > nowMs ? found : undefined;
  }

  get count(): number {
    return this.issued.size;
  }
}

/** `POST /app/installations/{id}/access_tokens`: 201 with the token, its expiry and the installation's permissions. */
export function accessTokenBody(t: InstallationToken) {
  return {
    token: t.token,
    expires_at: new Date(t.expiresAt).toISOString().replace('.000Z', 'Z'),
    permissions: t.permissions,
    repository_selection: 'all',
  };
}
