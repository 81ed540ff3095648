import { constants, createHash, timingSafeEqual, verify, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { guid } from '../rng.ts';

/** An app registration the simulator knows: its id, its secret and its certificate. */
export interface SimulatedApp {
  clientId: string;
  clientSecret: string;
  /** The name the consent page shows. */
  displayName: string;
  /** PEM of the registered certificate and its private key, as `ClientCertificateCredential` reads them. */
  certificate(): Promise<AppCertificate>;
}

export interface AppCertificate {
  cert: string;
  key: string;
}

const generated = new Map<string, Promise<AppCertificate>>();

/** An RSA key takes a second to make: one per app and process, and only once a test or an assertion asks for it. */
function appCertificate(commonName: string): Promise<AppCertificate> {
  let pems = generated.get(commonName);
  if (!pems) {
    pems = (async () => {
      const notBeforeDate = new Date(Date.now() - 60_000);
      const made = await generate([{ name: 'commonName', value: commonName }], {
        keySize: 2048,
        algorithm: 'sha256',
        notBeforeDate,
        notAfterDate: new Date(notBeforeDate.getTime() + 365 * 86_400_000),
      });
      return { cert: made.cert, key: made.private };
    })();
    generated.set(commonName, pems);
  }
  return pems;
}

/** A client secret shaped like Entra's (`xxx8Q~…`), the same for every start of one seed. */
function secretOf(seed: number, app = 'evident-simulated-app'): string {
  const raw = createHash('sha256').update(`${app}-${seed}`).digest('base64url');
  return `${raw.slice(0, 3)}8Q~${raw.slice(3, 37)}`;
}

/** The app registration every simulated tenant has consented to. */
export function simulatedApp(seed: number): SimulatedApp {
  return {
    clientId: guid(seed, 'simulated-app'),
    clientSecret: secretOf(seed),
    displayName: 'Evident collector',
    certificate: () => appCertificate('evident-collector'),
  };
}

/**
 * The MSP's multi-tenant app, registered in its partner tenant: consented there, and in a customer tenant only once
 * the scenario says so or an admin of the customer accepts on the admin-consent page.
 */
export function mspApp(seed: number): SimulatedApp {
  return {
    clientId: guid(seed, 'msp-multi-tenant-app'),
    clientSecret: secretOf(seed, 'evident-msp-app'),
    displayName: 'Evident for Contoso MSP',
    certificate: () => appCertificate('evident-msp'),
  };
}

export function secretMatches(app: SimulatedApp, secret: string): boolean {
  const a = Buffer.from(app.clientSecret);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type AssertionProblem = 'malformed' | 'signature' | 'claims' | 'expired';

/** A certificate's thumbprint as a JWT header carries it: base64url of the DER's SHA-256 (`x5t#S256`) or SHA-1 (`x5t`). */
function thumbprints(pem: string): { x5t: string; 'x5t#S256': string } {
  const der = new X509Certificate(pem).raw;
  return {
    x5t: createHash('sha1').update(der).digest('base64url'),
    'x5t#S256': createHash('sha256').update(der).digest('base64url'),
  };
}

/**
 * Whether a client assertion is a JWT the app's registered certificate signed (RS256 or PS256) and names by its
 * thumbprint, issued by and for the app, addressed to this token endpoint and not expired. Returns the thumbprint
 * the client named, for the error.
 */
export async function checkAssertion(
  app: SimulatedApp,
  assertion: string,
  audience: string,
): Promise<{ problem: AssertionProblem | undefined; thumbprint: string }> {
  const [head = '', body = '', signature = ''] = assertion.split('.');
  let header: { alg?: string; x5t?: string; 'x5t#S256'?: string };
  let claims: { iss?: string; sub?: string; aud?: string; exp?: number; nbf?: number };
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { problem: 'malformed', thumbprint: '' };
  }
  const thumbprint = header['x5t#S256'] ?? header.x5t ?? '';
  const registered = (await app.certificate()).cert;
  const known = thumbprints(registered);
  const named = header['x5t#S256'] ? header['x5t#S256'] === known['x5t#S256'] : header.x5t === known.x5t;
  const key = new X509Certificate(registered).publicKey;
  const data = Buffer.from(`${head}.${body}`);
  const sig = Buffer.from(signature, 'base64url');
  const signed =
    header.alg === 'RS256'
      ? verify('sha256', data, key, sig)
      : header.alg === 'PS256'
        ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)
        : false;
  if (!named || !signed) return { problem: 'signature', thumbprint };
  if (claims.iss !== app.clientId || claims.sub !== app.clientId || claims.aud !== audience)
    return { problem: 'claims', thumbprint };
  const now = Date.now() / 1000;
  // Entra allows five minutes of clock skew either way.
  const fresh = typeof claims.exp === 'number' && claims.exp > now && (claims.nbf ?? 0) <= now + 300;
  return { problem: fresh ? undefined : 'expired', thumbprint };
}
