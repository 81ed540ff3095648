import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { checkKey, ObjectNotFoundError, type PackStorage, type StoredObject } from './storage.ts';

/** Packs as files under `root`; each is written to a temporary name and renamed, so a reader never sees half. */
export function localStorage(root: string): PackStorage {
  const path = (key: string) => join(root, ...checkKey(key).split('/'));
  const describe = async (key: string): Promise<StoredObject> => {
    const s = await stat(path(key));
    return { key, size: s.size, modifiedAt: s.mtime };
  };

  async function* walk(dir: string): AsyncGenerator<string> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      if ((await stat(full)).isDirectory()) yield* walk(full);
      else if (!name.endsWith('.partial')) yield relative(root, full).split(sep).join('/');
    }
  }

  return {
    async put(key, body) {
      const target = path(key);
      await mkdir(dirname(target), { recursive: true });
      const partial = `${target}.${process.pid}.${Date.now()}.partial`;
      try {
        await pipeline(body, createWriteStream(partial));
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return describe(key);
    },
    async list(prefix) {
      const out: StoredObject[] = [];
      for await (const key of walk(root)) if (key.startsWith(prefix)) out.push(await describe(key));
      return out.sort((a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime() || a.key.localeCompare(b.key));
    },
    async get(key) {
      const file = path(key);
      try {
        await stat(file);
      } catch {
        throw new ObjectNotFoundError(key);
      }
      return createReadStream(file);
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}
