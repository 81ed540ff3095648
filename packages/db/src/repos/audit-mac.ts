import { createHmac, hkdfSync } from 'node:crypto';
import type { Keyring } from '../crypto.ts';

/**
 * The audit HMAC key for one secrets key id: derived from that key (kept outside the database, like every key
 * in the keyring), so rotation keeps old entries verifiable while the previous key is configured.
 */
function macKey(keyring: Keyring, keyId: string): Buffer | undefined {
  const key = keyring.keys.get(keyId);
  return key ? Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'evident audit chain v1', 32)) : undefined;
}

export function auditMac(keyring: Keyring, keyId: string, hash: string): string | undefined {
  const key = macKey(keyring, keyId);
  return key && createHmac('sha256', key).update(hash).digest('hex');
}
