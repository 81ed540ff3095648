import { constants, createHash, timingSafeEqual, verify, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { guid } from '../rng.ts';

/** The app registration every simulated tenant has consented to: its id, its secret and its certificate. */
export interface SimulatedApp {
  clientId: string;
  clientSecret: string;
  /** PEM of the registered certificate and its private key, as `ClientCertificateCredential` reads them. */
  certificate(): Promise<AppCertificate>;
}

export interface AppCertificate {
  cert: string;
  key: string;
}

let generated: Promise<AppCertificate> | undefined;

/** An RSA key takes a second to make: one per process, and only once a test or an assertion asks for it. */
function appCertificate(): Promise<AppCertificate> {
  generated ??= (async () => {
    const notBeforeDate = new Date(Date.now() - 60_000);
    const pems = await generate([{ name: 'commonName', value: 'evident-collector' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate: new Date(notBeforeDate.getTime() + 365 * 86_400_000),
    });
    return { cert: pems.cert, key: pems.private };
  })();
  return generated;
}

/** A client secret shaped like Entra's (`xxx8Q~…`), the same for every start of one seed. */
function secretOf(seed: number): string {
  const raw = createHash('sha256').update(`evident-simulated-app-${seed}`).digest('base64url');
  return `${raw.slice(0, 3)}8Q~${raw.slice(3, 37)}`;
}

export function simulatedApp(seed: number): SimulatedApp {
  return { clientId: guid(seed, 'simulated-app'), clientSecret: secretOf(seed), certificate: appCertificate };
}

export function secretMatches(app: SimulatedApp, secret: string): boolean {
  const a = Buffer.from(app.clientSecret);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether a client assertion is a JWT the app's registered certificate signed (RS256 or PS256), issued by and for
 * the app, addressed to this token endpoint and not expired. Returns the thumbprint the client named, for the error.
 */
export async function assertionValid(
  app: SimulatedApp,
  assertion: string,
  audience: string,
): Promise<{ ok: boolean; thumbprint: string }> {
  const [head = '', body = '', signature = ''] = assertion.split('.');
  let header: { alg?: string; x5t?: string; 'x5t#S256'?: string };
  let claims: { iss?: string; sub?: string; aud?: string; exp?: number };
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, thumbprint: '' };
  }
  const thumbprint = header['x5t#S256'] ?? header.x5t ?? '';
  const key = new X509Certificate((await app.certificate()).cert).publicKey;
  const data = Buffer.from(`${head}.${body}`);
  const sig = Buffer.from(signature, 'base64url');
  const signed =
    header.alg === 'RS256'
      ? verify('sha256', data, key, sig)
      : header.alg === 'PS256'
        ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)
        : false;
  const fresh = typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
  const ok = signed && fresh && claims.iss === app.clientId && claims.sub === app.clientId && claims.aud === audience;
  return { ok, thumbprint };
}
