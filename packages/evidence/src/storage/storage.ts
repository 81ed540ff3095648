/** One stored pack: its key (`org/tenant/name.zip`), size and when it was stored. */
export interface StoredObject {
  key: string;
  size: number;
  modifiedAt: Date;
}

/** Where packs live: a local folder by default, an S3-compatible bucket by configuration. */
export interface PackStorage {
  /** Stores the stream under `key`, replacing what was there; resolves once it is all stored. */
  put(key: string, body: AsyncIterable<Uint8Array>): Promise<StoredObject>;
  /** Objects whose key starts with `prefix`, oldest first. */
  list(prefix: string): Promise<StoredObject[]>;
  /** The object's bytes as a stream; rejects with `ObjectNotFoundError` when there is none. */
  get(key: string): Promise<AsyncIterable<Uint8Array>>;
  /** Deleting what is not there is not an error. */
  delete(key: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no stored object ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

/** Keys are `/`-separated segments of letters, digits, dots, dashes and underscores: nothing climbs out of a folder. */
export function checkKey(key: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/.test(key) || key.includes('..'))
    throw new Error(`not a valid storage key: ${JSON.stringify(key)}`);
  return key;
}

export const packKey = (org: string, tenant: string, generatedAt: string) =>
  `${org}/${tenant}/evidence-${generatedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.zip`;
