import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PRIVATE_KEY = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/;

/** A certificate credential checked to be usable: the certificate chain's PEM and its unencrypted RSA key's PEM. */
export interface CertificatePems {
  certificate: string;
  privateKey: string;
}

export type CertificateCheck =
  | { ok: true; pems: CertificatePems }
  | { ok: false; field: 'certificate' | 'privateKey'; message: string };

function keyOf(pem: string): KeyObject | undefined {
  try {
    return createPrivateKey(pem);
  } catch {
    return undefined;
  }
}

/**
 * Whether a certificate and its private key can sign Entra's client assertions: a well-formed PEM certificate (the
 * first one is the app's), an unencrypted RSA private key (given apart or in the same text), and the key the
 * certificate's own.
 */
export function checkCertificate(certificate: string, privateKey?: string): CertificateCheck {
  const blocks = certificate.match(CERTIFICATE) ?? [];
  if (blocks.length === 0)
    return {
      ok: false,
      field: 'certificate',
      message:
        'The certificate is not in PEM form: paste it from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, both lines included.',
    };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(blocks[0]!);
  } catch {
    return {
      ok: false,
      field: 'certificate',
      message: 'The certificate PEM is malformed: it does not decode as X.509.',
    };
  }
  const keyText = privateKey ?? certificate;
  const field = privateKey === undefined ? 'certificate' : 'privateKey';
  const block = PRIVATE_KEY.exec(keyText);
  if (!block)
    return {
      ok: false,
      field: 'privateKey',
      message:
        privateKey === undefined
          ? 'The certificate comes without its private key: add the private key PEM (-----BEGIN PRIVATE KEY-----).'
          : 'The private key is not in PEM form: paste it from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----.',
    };
  if (block[1] === 'ENCRYPTED ')
    return { ok: false, field, message: 'The private key is encrypted: export it without a password.' };
  const key = keyOf(block[0]);
  if (!key) return { ok: false, field, message: 'The private key PEM is malformed: it does not decode as a key.' };
  if (key.asymmetricKeyType !== 'rsa')
    return {
      ok: false,
      field,
      message: 'Entra ID signs client assertions with RSA keys only: use an RSA certificate.',
    };
  if (!cert.checkPrivateKey(key))
    return { ok: false, field, message: 'The private key does not belong to the certificate.' };
  return { ok: true, pems: { certificate: blocks.join('\n'), privateKey: block[0] } };
}
