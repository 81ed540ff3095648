import type { OrganizationId } from '@evident/core';
import type { Store } from '@evident/db';
import { activeSigningKey, publishedKeys } from './keys.ts';
import { channel } from './pack/channel.ts';
import { loadPackInput, type PackRequest, packRequest } from './pack/from-store.ts';
import { type PackSink, type WrittenPack, writePack } from './pack/write-pack.ts';
import { type PackStorage, packKey, type StoredObject } from './storage/storage.ts';

export interface ExportedPack extends WrittenPack {
  stored: StoredObject;
}

/**
 * Makes one tenant's pack from the store, signed with the organization's active key, into `sink`. Everything is read
 * in one transaction: the pack shows one moment of the store, and a large tenant's pages do not each open and close
 * a transaction of their own (whose bookkeeping, outliving a page, would fill the heap's old generation).
 */
export async function streamPack(
  store: Store,
  request: PackRequest,
  sink: PackSink,
  now: Date = new Date(),
): Promise<WrittenPack> {
  return store.transaction(async (tx) => {
    const input = await loadPackInput(tx, request, now);
    const org = input.organization.id as OrganizationId;
    return writePack(input, await activeSigningKey(tx, org), await publishedKeys(tx, org), sink);
  });
}

/** `streamPack` into storage, under `org/tenant/evidence-<time>.zip`. */
export async function exportPack(
  deps: { store: Store; storage: PackStorage },
  request: PackRequest,
  now: Date = new Date(),
): Promise<ExportedPack> {
  const pipe = channel();
  const writing = streamPack(deps.store, request, pipe, now).then(
    (written) => {
      pipe.close();
      return written;
    },
    (error: unknown) => {
      pipe.close(error);
      throw error;
    },
  );
  const { organizationId, tenantId } = packRequest.parse(request);
  const key = packKey(organizationId, tenantId, now.toISOString());
  const [written, stored] = await Promise.all([writing, deps.storage.put(key, pipe.chunks())]);
  return { ...written, stored };
}
