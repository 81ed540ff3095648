import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

type Cbor = number | string | Uint8Array | { [key: string]: Cbor } | Map<number, Cbor>;

/** The little CBOR an authenticator writes: unsigned and negative integers, byte and text strings, maps. */
function cbor(value: Cbor): Buffer {
  const head = (major: number, n: number) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const entries: [Cbor, Cbor][] = value instanceof Map ? [...value] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

interface Held {
  key: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

/**
 * A platform authenticator in software: ES256 keys, `none` attestation, real authenticator data and signatures, so
 * the server's WebAuthn library checks them as it checks a browser's. Flags and counters can be bent for attacks.
 */
export class SoftAuthenticator {
  readonly credentials = new Map<string, Held>();
  constructor(private origin: string) {}

  private authData(rpId: string, flags: number, counter: number, attested?: Buffer) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    return Buffer.concat([sha(rpId), Buffer.from([flags]), c, ...(attested ? [attested] : [])]);
  }

  create(options: { challenge: string; rp: { id?: string }; user: { id: string } }, opts: { uv?: boolean } = {}) {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const id = randomBytes(16);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), len, id, cose]);
    const flags = 0x01 | (opts.uv === false ? 0 : 0x04) | 0x40;
    const authData = this.authData(rpId, flags, 0, attested);
    this.credentials.set(b64(id), { key: privateKey, rpId, userHandle: options.user.id, counter: 0 });
    const clientData = {
      type: 'webauthn.create',
      challenge: options.challenge,
      origin: this.origin,
      crossOrigin: false,
    };
    return {
      id: b64(id),
      rawId: b64(id),
      type: 'public-key' as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64(Buffer.from(JSON.stringify(clientData))),
        attestationObject: b64(cbor({ fmt: 'none', attStmt: {}, authData })),
        transports: ['internal' as const],
      },
    };
  }

  /** Signs the challenge with `credential`, or the first one allowed, or the first one held (discoverable). */
  get(
    options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] },
    opts: { credential?: string; uv?: boolean; counter?: number; origin?: string } = {},
  ) {
    const id = opts.credential ?? options.allowCredentials?.[0]?.id ?? [...this.credentials.keys()][0]!;
    const held = this.credentials.get(id);
    if (!held) throw new Error('no such credential here');
    held.counter = opts.counter ?? held.counter + 1;
    const authData = this.authData(held.rpId, 0x01 | (opts.uv === false ? 0 : 0x04), held.counter);
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: opts.origin ?? this.origin }),
    );
    const signature = sign('sha256', Buffer.concat([authData, sha(clientData)]), held.key);
    return {
      id,
      rawId: id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64(clientData),
        authenticatorData: b64(authData),
        signature: b64(signature),
        userHandle: held.userHandle,
      },
    };
  }
}
