import type { OrganizationId } from '@evident/core';
import type { Store } from '@evident/db';
import { activeSigningKey, publishedKeys } from './keys.ts';
import { channel } from './pack/channel.ts';
import { loadPackInput, type PackRequest } from './pack/from-store.ts';
import { type WrittenPack, writePack } from './pack/write-pack.ts';
import { type PackStorage, packKey, type StoredObject } from './storage/storage.ts';

export interface ExportedPack extends WrittenPack {
  stored: StoredObject;
}

/** Makes one tenant's pack from the store, signs it with the organization's active key and streams it into storage. */
export async function exportPack(
  deps: { store: Store; storage: PackStorage },
  request: PackRequest,
  now: Date = new Date(),
): Promise<ExportedPack> {
  const input = await loadPackInput(deps.store, request, now);
  const org = input.organization.id as OrganizationId;
  const key = await activeSigningKey(deps.store, org);
  const keys = await publishedKeys(deps.store, org);
  const pipe = channel();
  const writing = writePack(input, key, keys, pipe).then(
    (written) => {
      pipe.close();
      return written;
    },
    (error: unknown) => {
      pipe.close(error);
      throw error;
    },
  );
  const [written, stored] = await Promise.all([
    writing,
    deps.storage.put(packKey(org, input.tenant.id, input.generatedAt), pipe.chunks()),
  ]);
  return { ...written, stored };
}
