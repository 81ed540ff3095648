import { customType, text, timestamp } from 'drizzle-orm/pg-core';

/** Raw bytes: `pg` hands back a Buffer, PGlite a Uint8Array; both leave here as a Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

export const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** AES-256-GCM output and the id of the key that sealed it, so keys can rotate row by row. */
export const sealedColumns = (prefix: string) => ({
  ciphertext: bytea(`${prefix}_ciphertext`),
  iv: bytea(`${prefix}_iv`),
  tag: bytea(`${prefix}_tag`),
  keyId: text(`${prefix}_key_id`),
});
