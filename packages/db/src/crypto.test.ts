import { InvalidInputError } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { createKeyring, generateSecretKey, SecretDecryptionError, seal, unseal } from './crypto.ts';

const k1 = { id: 'k1', key: generateSecretKey() };
const k2 = { id: 'k2', key: generateSecretKey() };

describe('secret sealing', () => {
  it('round-trips with AES-256-GCM and records the key id', () => {
    const ring = createKeyring({ current: k1 });
    const sealed = seal(ring, 'ghp_secret', 'connection con_1 of org_1');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.ciphertext.toString('utf8')).not.toContain('ghp_secret');
    expect(unseal(ring, sealed, 'connection con_1 of org_1')).toBe('ghp_secret');
    expect(seal(ring, 'ghp_secret', 'x').iv.equals(sealed.iv)).toBe(false);
  });

  it('opens with a previous key after the current one changed', () => {
    const sealed = seal(createKeyring({ current: k1 }), 's', 'ctx');
    const rotated = createKeyring({ current: k2, previous: [k1] });
    expect(unseal(rotated, sealed, 'ctx')).toBe('s');
    expect(seal(rotated, 's', 'ctx').keyId).toBe('k2');
  });

  it('says which key is missing', () => {
    const sealed = seal(createKeyring({ current: k1 }), 's', 'connection con_1 of org_1');
    const error = (() => {
      try {
        return unseal(createKeyring({ current: k2 }), sealed, 'connection con_1 of org_1');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SecretDecryptionError);
    expect(error).toMatchObject({
      keyId: 'k1',
      message:
        'the secret of connection con_1 of org_1 is sealed with key "k1", which the keyring does not hold (it holds: k2)',
    });
  });

  it('refuses a wrong key under the right id, another context and an altered ciphertext', () => {
    const ring = createKeyring({ current: k1 });
    const sealed = seal(ring, 'secret', 'ctx-a');
    const impostor = createKeyring({ current: { id: 'k1', key: generateSecretKey() } });
    expect(() => unseal(impostor, sealed, 'ctx-a')).toThrow(
      'the secret of ctx-a does not open with key "k1": the key is not the one that sealed it, or the ciphertext was altered',
    );
    expect(() => unseal(ring, sealed, 'ctx-b')).toThrow(SecretDecryptionError);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = flipped[0]! ^ 1;
    expect(() => unseal(ring, { ...sealed, ciphertext: flipped }, 'ctx-a')).toThrow(SecretDecryptionError);
  });

  it('validates keys: 32 bytes of base64, unique ids', () => {
    expect(() => createKeyring({ current: { id: 'k', key: Buffer.alloc(16).toString('base64') } })).toThrow(
      InvalidInputError,
    );
    expect(() => createKeyring({ current: { id: 'bad id', key: k1.key } })).toThrow(InvalidInputError);
    expect(() => createKeyring({ current: k1, previous: [{ ...k2, id: 'k1' }] })).toThrow(InvalidInputError);
    expect(Buffer.from(generateSecretKey(), 'base64')).toHaveLength(32);
  });
});
