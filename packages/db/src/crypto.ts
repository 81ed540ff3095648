import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { InvalidInputError } from '@evident/core';
import { z } from 'zod';

const KEY_BYTES = 32;
const IV_BYTES = 12;

export const secretKey = z.object({
  /** Stored next to every ciphertext it seals, so the right key is found after a rotation. */
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a key id is 1–64 letters, digits, dots, dashes or underscores'),
  /** 32 random bytes in standard base64. */
  key: z.string().refine((k) => {
    const bytes = Buffer.from(k, 'base64');
    return bytes.length === KEY_BYTES && bytes.toString('base64') === k;
  }, 'a key is 32 bytes in standard base64 (44 characters)'),
});
export type SecretKey = z.infer<typeof secretKey>;

/** Keys written `id:key,id:key`, as an environment variable holds earlier keys; each is validated, none is echoed. */
export const secretKeyList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => ({ id: pair.slice(0, Math.max(0, pair.indexOf(':'))), key: pair.slice(pair.indexOf(':') + 1) })),
  )
  .pipe(z.array(secretKey));

export const keyringInput = z
  .object({ current: secretKey, previous: z.array(secretKey).default([]) })
  .refine((k) => new Set([k.current.id, ...k.previous.map((p) => p.id)]).size === 1 + k.previous.length, {
    message: 'key ids must be unique',
  });
export type KeyringInput = z.input<typeof keyringInput>;

/** Seals with `current`; opens with whichever key sealed. */
export interface Keyring {
  readonly currentId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  keyId: string;
}

/** A secret that cannot be opened: its key is missing from the keyring, is not the one that sealed it, or was altered. */
export class SecretDecryptionError extends Error {
  readonly keyId: string;
  readonly context: string;
  constructor(message: string, keyId: string, context: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretDecryptionError';
    this.keyId = keyId;
    this.context = context;
  }
}

export function createKeyring(input: KeyringInput): Keyring {
  const parsed = keyringInput.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(
      'the secret keyring is not valid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const { current, previous } = parsed.data;
  const keys = new Map([current, ...previous].map((k) => [k.id, Buffer.from(k.key, 'base64')] as const));
  return { currentId: current.id, keys };
}

/** A fresh key in the form `secretKey` expects. */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** `context` (which row, which field) is bound as associated data: a ciphertext copied elsewhere will not open. */
export function seal(keyring: Keyring, plaintext: string, context: string): Sealed {
  const key = keyring.keys.get(keyring.currentId)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag(), keyId: keyring.currentId };
}

export function unseal(keyring: Keyring, sealed: Sealed, context: string): string {
  const key = keyring.keys.get(sealed.keyId);
  if (!key) {
    const held = [...keyring.keys.keys()].join(', ');
    throw new SecretDecryptionError(
      `the secret of ${context} is sealed with key "${sealed.keyId}", which the keyring does not hold (it holds: ${held})`,
      sealed.keyId,
      context,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new SecretDecryptionError(
      `the secret of ${context} does not open with key "${sealed.keyId}": the key is not the one that sealed it, or the ciphertext was altered`,
      sealed.keyId,
      context,
      { cause },
    );
  }
}
